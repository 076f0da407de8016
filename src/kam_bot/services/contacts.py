"""The decision chain: contacts at an account, and erasing a contact's personal data."""

from __future__ import annotations

from typing import Any

from kam_bot.domain.models import Contact, User
from kam_bot.services import access, audit
from kam_bot.services.accounts import _get_account
from kam_bot.services.errors import NotFoundError
from kam_bot.services.inputs import NewContactInput
from kam_bot.services.ports import Clock, UnitOfWorkFactory, utc_now

PERSONAL_ERASED: dict[str, object] = {"personal_notes": None}
"""What erasing a contact's personal data clears (name, title and role stay: the decision chain)."""

EDITABLE = frozenset(NewContactInput.model_fields) | {"last_met"}


class ContactService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now):
        self._uow = uow
        self._clock = clock

    def add(self, actor: User, account_id: int, data: NewContactInput) -> Contact:
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_write_account(uow.repo, actor, account), "account")
            contact = uow.repo.add(Contact, account_id=account.id, **data.model_dump())
            audit.record(uow.repo, actor.id, audit.CREATED, "contact", contact.id, self._clock())
            uow.commit()
            return contact

    def update(self, actor: User, contact_id: int, **fields: Any) -> Contact:
        unknown = set(fields) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        with self._uow() as uow:
            contact = self._get(uow.repo, contact_id)
            account = _get_account(uow.repo, contact.account_id)
            access.require(access.can_write_account(uow.repo, actor, account), "account")
            if "personal_notes" in fields:
                access.require(access.can_read_personal_notes(uow.repo, actor, account), "personal_notes")
            merged = NewContactInput.model_validate(
                {**contact.model_dump(include=set(NewContactInput.model_fields)), **fields}
            )
            updated = uow.repo.update(
                Contact,
                contact_id,
                **merged.model_dump(),
                **({"last_met": fields["last_met"]} if "last_met" in fields else {}),
            )
            audit.record(uow.repo, actor.id, audit.CHANGED, "contact", contact_id, self._clock(), fields)
            uow.commit()
            return updated

    def list(self, actor: User, account_id: int) -> list[Contact]:
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_read_account(uow.repo, actor, account), "account")
            notes_ok = access.can_read_personal_notes(uow.repo, actor, account)
            contacts = uow.repo.contacts_for(account_id)
        return contacts if notes_ok else [c.model_copy(update={"personal_notes": None}) for c in contacts]

    def get(self, actor: User, contact_id: int) -> Contact:
        """One contact as ``actor`` may see it (personal notes redacted unless allowed)."""
        with self._uow() as uow:
            contact = self._get(uow.repo, contact_id)
            account = _get_account(uow.repo, contact.account_id)
            access.require(access.can_read_account(uow.repo, actor, account), "account")
            if access.can_read_personal_notes(uow.repo, actor, account):
                return contact
        return contact.model_copy(update={"personal_notes": None})

    def erase_personal_data(self, actor: User, contact_id: int) -> Contact:
        """An admin erases what is personal about a contact on request; the role in the chain stays.

        The audit log records that it was done (which fields), never what they held."""
        access.require_admin(actor)
        with self._uow() as uow:
            before = self._get(uow.repo, contact_id)
            updated = uow.repo.update(Contact, contact_id, **PERSONAL_ERASED)
            erased = [f for f, empty in PERSONAL_ERASED.items() if getattr(before, f) != empty]
            audit.record(uow.repo, actor.id, audit.ERASED, "contact", contact_id, self._clock(), erased)
            uow.commit()
            return updated

    def _get(self, repo: Any, contact_id: int) -> Contact:
        contact: Contact | None = repo.get(Contact, contact_id)
        if contact is None:
            raise NotFoundError("contact.not_found", field="contact", id=contact_id)
        return contact
