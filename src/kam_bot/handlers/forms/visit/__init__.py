"""The visit form, for every platform: what it holds, where it comes from, how it is checked.

- ``form``: ``VisitForm``, what the form shows and holds, from a prefill (the typed line), an
  account card's button, or a platform's submitted values.
- ``definition``: ``visit_form``, its neutral definition each platform renders.
- ``rules``: the table of rules a submission must satisfy; every rule runs, so one answer shows
  every field to fix.
- ``paths``: where an error of the service input (``promises.0.due_date``) lands on the form.
- ``check``: ``check_visit``, the rules run for one actor, each message naming its field.

Saving is ``handlers.forms.submit.submit_visit``: the one submit every platform calls.

Repeated fields carry their slot in the id (``promise_text:0``). Budget (Slack's modal holds
100 blocks, an Adaptive Card ~28 KB): at most ``MAX_PROMISES`` promise slots,
``MAX_NEW_CONTACTS`` new-contact slots and ``MAX_NOTES`` competitor notes; prices and stock
are one multi-line text field each (see ``handlers.forms.lines``); whatever does not fit goes
to the summary.
"""

from kam_bot.handlers.forms.visit.check import check_visit, named
from kam_bot.handlers.forms.visit.definition import problem_block, typed_visit_form, visit_form
from kam_bot.handlers.forms.visit.form import (
    FORM_ID,
    MAX_NEW_CONTACTS,
    MAX_NOTES,
    MAX_PROMISES,
    ContactSlot,
    NoteSlot,
    PromiseSlot,
    VisitForm,
)
from kam_bot.handlers.forms.visit.paths import field_for

__all__ = [
    "FORM_ID",
    "MAX_NEW_CONTACTS",
    "MAX_NOTES",
    "MAX_PROMISES",
    "ContactSlot",
    "NoteSlot",
    "PromiseSlot",
    "VisitForm",
    "check_visit",
    "field_for",
    "named",
    "problem_block",
    "typed_visit_form",
    "visit_form",
]
