"""The Salesforce port over ``simple-salesforce``.

- a visit: an Event (or a Task, ``SALESFORCE_VISIT_OBJECT``) on the Account (``WhatId``), the
  first contact met as ``WhoId`` and the others as ``EventRelation`` rows (one composite
  request), goal / outcome / next step / needs in the description and in
  ``Kam_Bot_*__c`` fields where the org has them;
- a promise: a Task owned by the rep (``OwnerId`` when the rep's user is known), due on its
  date, ``Completed`` when done, ``Deferred`` when cancelled; the customer's flagged as theirs;
- an observation: a Note on the Account (or a record of ``SALESFORCE_OBSERVATION_OBJECT``).

kam-bot's key goes into the external-id field (``SALESFORCE_EXTERNAL_ID_FIELD``) where the
object has it, and every create is then an upsert by it (``PATCH
/sobjects/<Object>/<Field>/<value>``: a repeat updates). Where it has none, the key is written
at the end of the subject or title, which ``find`` searches.
REST resources: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
(sObject Basic Information / Rows / Rows by External ID, Composite, Query, Limits).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from simple_salesforce.api import Salesforce
from simple_salesforce.format import format_soql

from kam_bot.domain.crm_records import (
    ClosedTask,
    CrmAccount,
    CrmContact,
    CrmOwner,
    PromiseRecord,
    Pulled,
    Record,
    RecordKey,
    VisitRecord,
)
from kam_bot.integrations.salesforce import NAME, fields
from kam_bot.integrations.salesforce.session import SalesforceSession
from kam_bot.integrations.salesforce.settings import SalesforceSettings
from kam_bot.jobs.crm_port import RecordRejectedError

GONE = {"NOT_FOUND", "ENTITY_IS_DELETED", "HTTP_404"}


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


class SalesforceCrm:
    name = NAME

    def __init__(self, settings: SalesforceSettings, session: SalesforceSession | None = None) -> None:
        self.settings = settings
        self.session = session or SalesforceSession(settings)
        self._described: dict[str, tuple[set[str], set[str]]] = {}
        self._accounts: dict[str, str] = {}

    # -- what the org has ------------------------------------------------------------

    def _describe(self, sobject: str) -> tuple[set[str], set[str]]:
        """(field names, external-id field names) of ``sobject``, asked once."""
        if sobject not in self._described:
            found = self.session.call(lambda sf: getattr(sf, sobject).describe())
            names = {f["name"] for f in found.get("fields", [])}
            external = {f["name"] for f in found.get("fields", []) if f.get("externalId")}
            self._described[sobject] = (names, external)
        return self._described[sobject]

    def _object(self, kind: str) -> str:
        if kind == "visit":
            return self.settings.visit_object
        if kind == "promise":
            return "Task"
        return self.settings.observation_object or "Note"

    def _has_external_id(self, sobject: str) -> bool:
        return sobject != "Note" and self.settings.external_id_field in self._describe(sobject)[1]

    def _account_id(self, record: Record) -> str:
        if record.account.crm_id:
            return record.account.crm_id
        name = record.account.name
        if name not in self._accounts:
            soql = format_soql("SELECT Id FROM Account WHERE Name = {} LIMIT 2", name)
            rows = self.session.call(lambda sf: sf.query(soql))["records"]
            if len(rows) != 1:
                raise RecordRejectedError("account_not_in_crm", f"{len(rows)} accounts named {name!r}")
            self._accounts[name] = rows[0]["Id"]
        return self._accounts[name]

    # -- the port ----------------------------------------------------------------------

    def check(self) -> None:
        self.session.call(lambda sf: sf.restful("limits"))

    def daily_allowance(self) -> tuple[int, int] | None:
        """(remaining, max) of the org's daily API requests."""
        limits = self.session.call(lambda sf: sf.restful("limits")) or {}
        daily = limits.get("DailyApiRequests") or {}
        return (int(daily["Remaining"]), int(daily["Max"])) if "Max" in daily else None

    def push(self, record: Record, crm_id: str | None) -> str:
        sobject = self._object(record.key.kind)
        values = self._fields(record, sobject)
        if crm_id is not None:
            try:
                self.session.call(lambda sf: getattr(sf, sobject).update(crm_id, values))
            except RecordRejectedError as exc:
                if exc.reason not in GONE:
                    raise
            else:
                self._relate(record, sobject, crm_id)
                return crm_id
        new_id = self._create(record, sobject, values)
        self._relate(record, sobject, new_id)
        return new_id

    def _create(self, record: Record, sobject: str, values: dict[str, Any]) -> str:
        if self._has_external_id(sobject):
            path = f"{self.settings.external_id_field}/{record.key.external_id}"
            response = self.session.call(
                lambda sf: getattr(sf, sobject).upsert(path, values, raw_response=True)
            )
            if response.status_code in (200, 201) and response.content:
                return str(response.json()["id"])
            return str(self.find(record))  # 204 (an update, before API 46.0): ask for the id
        return str(self.session.call(lambda sf: getattr(sf, sobject).create(values))["id"])

    def _marked(self, record: Record, sobject: str, values: dict[str, Any]) -> dict[str, Any]:
        """The key at the end of the subject (title), where ``find`` looks for it."""
        field = "Title" if sobject == "Note" else "Subject" if sobject in ("Event", "Task") else "Name"
        marker = f" [{record.key.external_id}]"
        limit = 80 if field == "Name" else fields.SUBJECT_MAX
        return values | {field: str(values.get(field, ""))[: limit - len(marker)] + marker}

    def _fields(self, record: Record, sobject: str) -> dict[str, Any]:
        account = self._account_id(record)
        if isinstance(record, VisitRecord):
            values = fields.visit(record, as_task=sobject == "Task") | {"WhatId": account}
        elif isinstance(record, PromiseRecord):
            values = fields.promise(record) | {"WhatId": account}
        else:
            title, body = fields.observation(record)
            if sobject == "Note":
                values = {"ParentId": account, "Title": title[:255], "Body": body}
            else:
                values = {"Name": title[:80], "Account__c": account, "Details__c": body}
        if sobject != "Note":
            values |= fields.optional(record, self._describe(sobject)[0])
        if not self._has_external_id(sobject):
            values = self._marked(record, sobject, values)
        return values

    def _relate(self, record: Record, sobject: str, event_id: str) -> None:
        """The contacts met beyond the first, as EventRelation rows (one composite request)."""
        if not isinstance(record, VisitRecord) or sobject != "Event":
            return
        wanted = [c.crm_id for c in record.contacts[1:] if c.crm_id]
        if not wanted:
            return
        soql = format_soql("SELECT RelationId FROM EventRelation WHERE EventId = {}", event_id)
        have = {r["RelationId"] for r in self.session.call(lambda sf: sf.query_all(soql))["records"]}
        missing = [c for c in wanted if c not in have]
        if not missing:
            return
        version = self.settings.api_version
        body = {
            "allOrNone": False,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": f"/services/data/v{version}/sobjects/EventRelation",
                    "referenceId": f"relation{i}",
                    "body": {"EventId": event_id, "RelationId": contact},
                }
                for i, contact in enumerate(missing)
            ],
        }
        self.session.call(lambda sf: sf.restful("composite", method="POST", json=body))

    def find(self, record: Record) -> str | None:
        sobject = self._object(record.key.kind)
        key = record.key.external_id
        if self._has_external_id(sobject):
            soql = f"SELECT Id FROM {sobject} WHERE {self.settings.external_id_field} = {{}} LIMIT 1"
        else:
            field = "Title" if sobject == "Note" else "Subject" if sobject in ("Event", "Task") else "Name"
            soql = f"SELECT Id FROM {sobject} WHERE {field} LIKE {{}} LIMIT 1"
            key = f"%[{key}]"
        rows = self.session.call(lambda sf: sf.query(format_soql(soql, key)))["records"]
        return str(rows[0]["Id"]) if rows else None

    def remove(self, key: RecordKey, crm_id: str) -> None:
        sobject = self._object(key.kind)
        try:
            self.session.call(lambda sf: getattr(sf, sobject).delete(crm_id))
        except RecordRejectedError as exc:
            if exc.reason not in GONE:
                raise

    def pull(self, since: datetime | None) -> Pulled:
        after = (
            f" AND LastModifiedDate > {since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}" if since else ""
        )
        where = f" WHERE {after[5:]}" if after else ""
        owners = self._query("SELECT Id, Email, Name, IsActive FROM User WHERE IsActive = true")
        accounts = self._query(f"SELECT Id, Name, OwnerId, Industry, LastModifiedDate FROM Account{where}")
        contacts = self._query(
            f"SELECT Id, AccountId, Name, Title, Department, LastModifiedDate FROM Contact{where}"
        )
        ext = self.settings.external_id_field if self._has_external_id("Task") else None
        columns = f"Id, LastModifiedDate{', ' + ext if ext else ''}"
        tasks = self._query(
            f"SELECT {columns} FROM Task WHERE IsClosed = true AND Status = 'Completed'{after}"
        )
        return Pulled(
            owners=[CrmOwner(r["Id"], r["Email"], r["Name"]) for r in owners if r.get("Email")],
            accounts=[
                CrmAccount(
                    r["Id"], r["Name"], r.get("OwnerId"), r.get("Industry"), _parse(r.get("LastModifiedDate"))
                )
                for r in accounts
            ],
            contacts=[
                CrmContact(
                    r["Id"],
                    r.get("AccountId"),
                    r["Name"],
                    r.get("Title"),
                    r.get("Department"),
                    _parse(r.get("LastModifiedDate")),
                )
                for r in contacts
            ],
            closed_tasks=[
                ClosedTask(r["Id"], r.get(ext) if ext else None, _parse(r.get("LastModifiedDate")))
                for r in tasks
            ],
        )

    def _query(self, soql: str) -> list[dict[str, Any]]:
        def run(sf: Salesforce) -> list[dict[str, Any]]:
            return list(sf.query_all(soql)["records"])

        return self.session.call(run)
