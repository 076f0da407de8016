"""Pure rules and models of the key-account domain: no I/O, no Slack, no SQL."""
