"""The visit form's rules module reads as its spec: its docstring's table lists exactly the rules
the table in the code runs, in the same order."""

from __future__ import annotations

import re

from kam_bot.handlers.forms.visit import rules


def test_the_docstring_lists_every_rule_in_the_order_they_run() -> None:
    doc = rules.__doc__ or ""
    table = doc.split("=\n", 2)[2].rsplit("\n=", 1)[0]  # the rows between the table's rules
    named = [m.group(1) for m in re.finditer(r"^(\S+(?: \S+)*)\s{2,}", table, re.MULTILINE)]
    assert named == [rule.name for rule in rules.RULES]
