"""The console adapter: the demo, and the end-to-end test harness."""
