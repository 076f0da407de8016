"""Modals: each form holds its view builder, its reader of the submitted state and its checks."""
