"""Prototypes of the fixes the results recommend, measured against the real code (not used by it)."""
