"""Neutral forms: one definition per form (fields, types, choices, limits, what is required),
read back from any platform's submitted values and checked in one place.

``model`` holds the definition types every platform renders (Slack as a modal, Teams as an
Adaptive Card, the console as prompts); ``values`` the protocol a platform's submitted state
satisfies; ``visit`` and ``entries`` the forms themselves with their checks, which turn a
submission into a service input or errors keyed by field id; ``submit`` the one Save of each
form every platform calls, which answers ``Saved`` or ``Refused`` with every field to fix.
"""
