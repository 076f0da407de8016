"""A stored entity as the neutral record a CRM receives (``domain.crm_records``).

Only what the record needs leaves kam-bot: a contact is its name and title (never its
personal notes), a person their name and email.
"""

from __future__ import annotations

from kam_bot.domain import models as m
from kam_bot.domain.crm_records import (
    AccountRef,
    CompetitorRecord,
    ContactRef,
    EntityKind,
    PersonRef,
    PriceRecord,
    PromiseRecord,
    Record,
    RecordKey,
    StockRecord,
    VisitRecord,
)
from kam_bot.store.crm import Snapshot


def _person(snap: Snapshot, user_id: int | None) -> PersonRef | None:
    user = snap.users.get(user_id) if user_id is not None else None
    if user is None:
        return None
    return PersonRef(user.id, user.display_name, user.email, snap.links.get(("user", user.id)))


def _contact(snap: Snapshot, contact_id: int | None) -> ContactRef | None:
    contact = snap.contacts.get(contact_id) if contact_id is not None else None
    if contact is None:
        return None
    return ContactRef(contact.id, contact.name, contact.title, snap.links.get(("contact", contact.id)))


def _locale(person: PersonRef | None, snap: Snapshot) -> str:
    user = snap.users.get(person.id) if person else None
    return user.locale.value if user else "en"


def build(kind: EntityKind, snap: Snapshot) -> Record:
    key = RecordKey(kind, snap.entity.id)  # type: ignore[attr-defined]
    account = AccountRef(snap.account.id, snap.account.name, snap.links.get(("account", snap.account.id)))
    entity = snap.entity
    visit_key = None
    if getattr(entity, "visit_id", None):
        visit_key = RecordKey("visit", entity.visit_id)  # type: ignore[attr-defined]
    if isinstance(entity, m.Visit):
        rep = _person(snap, entity.rep_id) or PersonRef(entity.rep_id, "?")
        return VisitRecord(
            key=key,
            account=account,
            rep=rep,
            visited_at=entity.visited_at,
            kind=entity.kind.value,
            contacts=tuple(c for cid in entity.contact_ids if (c := _contact(snap, cid)) is not None),
            objectives=tuple(o.value for o in entity.objectives),
            goal=entity.goal,
            goal_reached=entity.goal_reached.value if entity.goal_reached else None,
            outcome=entity.summary,
            next_step=entity.next_step,
            needs=entity.needs,
            competitor_intel=entity.competitor_intel,
            next_visit_date=entity.next_visit_date,
            locale=_locale(rep, snap),
        )
    if isinstance(entity, m.Promise):
        owner = _person(snap, entity.owner_id) or PersonRef(entity.owner_id, "?")
        return PromiseRecord(
            key=key,
            account=account,
            owner=owner,
            direction=entity.direction.value,
            text=entity.text,
            due_date=entity.due_date,
            status=entity.status.value,
            done_at=entity.done_at,
            contact=_contact(snap, entity.contact_id),
            visit=visit_key,
            visit_crm_id=snap.links.get(("visit", entity.visit_id)) if entity.visit_id else None,
            locale=_locale(owner, snap),
        )
    by = _person(snap, getattr(entity, "recorded_by", None))
    if isinstance(entity, m.PriceObservation):
        return PriceRecord(
            key=key,
            account=account,
            recorded_by=by,
            product=entity.product,
            price=entity.price,
            currency=entity.currency,
            unit=entity.unit,
            kind=entity.kind.value,
            competitor=entity.competitor,
            observed_at=entity.observed_at,
            note=entity.note,
            visit=visit_key,
            locale=_locale(by, snap),
        )
    if isinstance(entity, m.InventoryObservation):
        return StockRecord(
            key=key,
            account=account,
            recorded_by=by,
            product=entity.product,
            quantity=entity.quantity,
            unit=entity.unit,
            our_share_pct=entity.our_share_pct,
            movement=entity.movement.value if entity.movement else None,
            observed_at=entity.observed_at,
            visit=visit_key,
            locale=_locale(by, snap),
        )
    assert isinstance(entity, m.CompetitorNote)
    return CompetitorRecord(
        key=key,
        account=account,
        recorded_by=by,
        competitor=entity.competitor,
        activity=entity.activity.value,
        text=entity.text,
        observed_at=entity.observed_at,
        visit=visit_key,
        locale=_locale(by, snap),
    )
