"""A visit's details (kind, objectives, goal ... next visit) are copied between the draft, the
service input, the entity and the table by name (``VISIT_DETAILS``): the four must agree."""

from __future__ import annotations

from kam_bot.domain.drafts import VisitDraft
from kam_bot.domain.models import VISIT_DETAILS, Visit
from kam_bot.services.inputs import VisitInput
from kam_bot.store.tables import VisitRow


def test_every_detail_is_declared_on_the_draft_the_input_the_entity_and_the_table() -> None:
    columns = set(VisitRow.__table__.columns.keys())
    for name in VISIT_DETAILS:
        assert name in VisitDraft.model_fields and name in columns, name
        # the input may add limits (max_length), never another type
        assert VisitInput.model_fields[name].annotation == Visit.model_fields[name].annotation, name
