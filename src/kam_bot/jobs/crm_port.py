"""The port a CRM implements and the errors it raises (the registration that builds one is
``integrations.crm.Registration``).

How kam-bot drives a port (``jobs.crm``), which is what an implementation may rely on:

- every change in kam-bot is an outbox row (``platform`` = the CRM's name) written in the same
  transaction as the change; the CRM deliverer claims it under the outbox's lease, reads the
  record *as it is now* and calls ``push`` (or ``remove`` when it was deleted). Two rows for
  one record therefore both push its latest state: a push must be an idempotent "make the CRM
  record look like this";
- kam-bot stores the CRM id ``push`` returns, before marking the row sent, and passes it back
  on every later push of that record (``crm_id``): an update, never a second create;
- when a push was interrupted (crash, timeout, a worker killed) before its CRM id was stored,
  the next attempt first calls ``find``; a record found there is updated instead of created;
- the calls are synchronous (the maintained clients are) and run in a worker thread; one port
  instance may be used from several threads at once;
- errors: raise ``RateLimitedError`` (429, a daily allowance spent), ``CredentialRevokedError`` (401, a
  revoked/expired token or refused client credentials: the whole sync stops until fixed),
  ``RecordRejectedError`` (this one record cannot be written: a validation error, a missing
  account; the row is dead with ``reason``), ``CrmUnavailableError`` (5xx, timeouts, connection
  errors: retried with backoff). Anything else is treated as ``CrmUnavailableError``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kam_bot.domain.crm_records import Pulled, Record, RecordKey

# -- errors ---------------------------------------------------------------------------


class CrmError(Exception):
    """Base of what a port raises. ``reason`` is short and stable (``REQUEST_LIMIT_EXCEEDED``,
    ``INVALID_SESSION_ID``, ``account_not_in_crm``): it is what `kam-bot crm status` shows."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RateLimitedError(CrmError):
    """The CRM refused for now (HTTP 429, Salesforce ``REQUEST_LIMIT_EXCEEDED``, HubSpot's
    per-second or daily limit). ``retry_after``: seconds to wait (the ``Retry-After`` header when
    given; until the allowance window resets for a daily limit, else a guess of a few seconds).
    Nothing was written by the refused call."""

    def __init__(self, retry_after: float, reason: str = "rate_limited", detail: str = "") -> None:
        super().__init__(reason, detail)
        self.retry_after = retry_after


class CredentialRevokedError(CrmError):
    """The CRM does not accept kam-bot's credentials (expired/revoked token, refused client
    credentials, a deactivated integration user) and a fresh token could not be obtained.
    kam-bot stops syncing, keeps every row, tells the admins once, and resumes when a push or
    ``check`` succeeds again."""


class RecordRejectedError(CrmError):
    """This record cannot be written as it is (a required field, a validation rule, no such
    account in the CRM). Retrying the same record cannot help; ``detail`` is the CRM's message."""


class CrmUnavailableError(CrmError):
    """A 5xx, a timeout or a dropped connection: retried later. The record may or may not have
    been written (kam-bot then calls ``find`` before creating)."""


# -- the port --------------------------------------------------------------------------


class CrmPort(Protocol):
    """One CRM account (org, portal), as kam-bot uses it."""

    @property
    def name(self) -> str:
        """The registration's name (``salesforce``)."""
        ...

    def check(self) -> None:
        """Make one cheap authenticated call (obtaining a token if needed); raise
        ``CredentialRevokedError`` or ``CrmUnavailableError``. Used at start and to see if a stopped sync
        may resume."""
        ...

    def push(self, record: Record, crm_id: str | None) -> str:
        """Create or update the CRM record for ``record``; return its CRM id.

        ``crm_id`` None: kam-bot knows no CRM record for it. Create it, or upsert it by
        ``record.key.external_id`` where the CRM has an external-id field (then a repeat is an
        update). ``crm_id`` given: update that record (a 404 there: create it again and return
        the new id). A promise with ``status`` ``done``/``cancelled`` is completed/closed in the
        same call; ``open`` re-opens it."""
        ...

    def find(self, record: Record) -> str | None:
        """The CRM id of a record an interrupted ``push`` of ``record`` created, or None.

        Look it up by ``record.key.external_id`` (external-id field, or the marker the adapter
        wrote into a searchable field). Called only after an interrupted push, before creating."""
        ...

    def remove(self, key: RecordKey, crm_id: str) -> None:
        """The kam-bot record was deleted (a visit undone, an observation removed): delete the
        CRM record (or close it where the CRM cannot delete). Already gone is success."""
        ...

    def pull(self, since: datetime | None) -> Pulled:
        """Owners (every active user with an email), and the accounts, contacts and tasks closed
        that changed since ``since`` (aware UTC; None: all). Paginate as the CRM requires; never
        return a contact's private notes."""
        ...
