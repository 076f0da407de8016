"""Platform adapters: acknowledge, translate a payload, call a handler, render the reply."""
