"""Platform-neutral handlers: a parsed command or form -> a service call -> a reply model."""
