"""The HubSpot port over the official ``hubspot-api-client``.

- a visit: a meeting engagement associated with the company and the contacts met;
- a promise: a task owned by the rep's HubSpot owner, due on its date, ``COMPLETED`` when done,
  ``DEFERRED`` when cancelled, ``NOT_STARTED`` when reopened; the customer's titled as theirs;
- an observation (price, stock, competitor note): a note on the company.

kam-bot's key (``kam-bot-visit-12``) goes into the custom property ``HUBSPOT_ID_PROPERTY``
(default ``kam_bot_id``) where the portal has it on that object: with "unique values" every
create is a batch upsert by it (``idProperty``: a repeat updates); without, ``find`` searches it
(EQ). Where the portal has no such property, the key ends the body (``[kam-bot-visit-12]``) and
``find`` searches for that token. CRM v3 objects (create, update, archive, batch upsert,
search), v4 associations (``batch/associate/default``), owners, properties:
https://developers.hubspot.com/docs/api/crm/understanding-the-crm,
https://developers.hubspot.com/docs/api-reference/latest/crm/associations/overview.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

from hubspot.crm.associations.v4 import BatchInputPublicDefaultAssociationMultiPost  # type: ignore[import-untyped]
from hubspot.crm.objects import (  # type: ignore[import-untyped]
    BatchInputSimplePublicObjectBatchInputUpsert,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from kam_bot.domain.crm_records import (
    ClosedTask,
    CrmAccount,
    CrmContact,
    CrmOwner,
    Pulled,
    Record,
    RecordKey,
)
from kam_bot.integrations.hubspot import NAME, properties
from kam_bot.integrations.hubspot.calls import HubSpotApis
from kam_bot.integrations.hubspot.properties import ObjectType
from kam_bot.integrations.hubspot.settings import HubSpotSettings
from kam_bot.jobs.crm_port import RecordRejectedError

KeyMode = Literal["unique", "property", "marker"]
GONE = {"OBJECT_NOT_FOUND", "HTTP_404"}
PAGE = 100
SEARCH_PAGE = 200
FIND_CANDIDATES = 20
_EXISTING = re.compile(r"Existing ID: (\d+)")


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


class HubSpotCrm:
    name = NAME

    def __init__(self, settings: HubSpotSettings, apis: HubSpotApis | None = None) -> None:
        self.settings = settings
        self.apis = apis or HubSpotApis(settings)
        self._modes: dict[str, KeyMode] = {}
        self._companies: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- what the portal has --------------------------------------------------------------

    def _mode(self, kind: str) -> KeyMode:
        """How kam-bot's key is kept on ``kind`` records, asked once per object type."""
        with self._lock:
            known = self._modes.get(kind)
        if known is not None:
            return known
        try:
            found = self.apis.call(self.apis.properties.get_by_name, kind, self.settings.id_property)
        except RecordRejectedError as exc:
            if exc.reason not in GONE:
                raise
            mode: KeyMode = "marker"
        else:
            mode = "unique" if found.has_unique_value else "property"
        with self._lock:
            self._modes[kind] = mode
        return mode

    def _company(self, record: Record) -> str:
        if record.account.crm_id:
            return record.account.crm_id
        name = record.account.name
        with self._lock:
            known = self._companies.get(name)
        if known is not None:
            return known
        found = self._search(
            "companies", [{"propertyName": "name", "operator": "EQ", "value": name}], ["name"], 2
        )
        if len(found) != 1:
            raise RecordRejectedError("account_not_in_crm", f"{len(found)} companies named {name!r}")
        with self._lock:
            self._companies[name] = found[0].id
        return str(found[0].id)

    def _values(self, record: Record, kind: ObjectType) -> dict[str, str]:
        values = properties.of(record)
        if self._mode(kind) == "marker":
            body = properties.BODY[kind]
            values[body] = f"{values.get(body, '')}\n{properties.marker(record)}".strip()
        else:
            values[self.settings.id_property] = record.key.external_id
        return values

    # -- the port -----------------------------------------------------------------------

    def check(self) -> None:
        self.apis.call(self.apis.objects.get_page, "companies", limit=1)

    def daily_allowance(self) -> tuple[int, int] | None:
        """(remaining, max) of the portal's daily API calls, from HubSpot's rate-limit headers."""
        _, _, headers = self.apis.call(self.apis.objects.get_page_with_http_info, "companies", limit=1)
        daily, remaining = (
            headers.get("X-HubSpot-RateLimit-Daily"),
            headers.get("X-HubSpot-RateLimit-Daily-Remaining"),
        )
        return (int(remaining), int(daily)) if daily and remaining else None

    def push(self, record: Record, crm_id: str | None) -> str:
        kind = properties.object_type(record.key.kind)
        company = self._company(record)
        values = self._values(record, kind)
        links = properties.targets(record, company)
        if crm_id is not None:
            try:
                self.apis.call(
                    self.apis.objects.update, kind, crm_id, SimplePublicObjectInput(properties=values)
                )
            except RecordRejectedError as exc:
                if exc.reason not in GONE:
                    raise
            else:
                self._associate(kind, crm_id, links)
                return crm_id
        return self._create(record, kind, values, links)

    def _create(
        self, record: Record, kind: ObjectType, values: dict[str, str], links: dict[str, list[str]]
    ) -> str:
        if self._mode(kind) == "unique":
            upsert = {
                "id": record.key.external_id,
                "idProperty": self.settings.id_property,
                "properties": values,
            }
            answer = self.apis.call(
                self.apis.batch.upsert, kind, BatchInputSimplePublicObjectBatchInputUpsert(inputs=[upsert])
            )
            new_id = str(answer.results[0].id)
            self._associate(kind, new_id, links)
            return new_id
        associations = [
            {
                "to": {"id": to_id},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
            }
            for to, ids in links.items()
            for to_id in ids
            for type_id in [properties.ASSOCIATION[(kind, to)]]
        ]
        created = self.apis.call(
            self.apis.objects.create,
            kind,
            SimplePublicObjectInputForCreate(properties=values, associations=associations),
        )
        return str(created.id)

    def _associate(self, kind: ObjectType, crm_id: str, links: dict[str, list[str]]) -> None:
        """The default associations (adding one that exists changes nothing), one call per type."""
        for to, ids in links.items():
            inputs = [{"from": {"id": crm_id}, "to": {"id": to_id}} for to_id in ids]
            self.apis.call(
                self.apis.associations.create_default,
                kind,
                to,
                BatchInputPublicDefaultAssociationMultiPost(inputs=inputs),
            )

    def find(self, record: Record) -> str | None:
        kind = properties.object_type(record.key.kind)
        key = record.key.external_id
        if self._mode(kind) != "marker":
            spec = {"propertyName": self.settings.id_property, "operator": "EQ", "value": key}
            found = self._search(kind, [spec], [], 1)
            return str(found[0].id) if found else None
        body = properties.BODY[kind]
        spec = {"propertyName": body, "operator": "CONTAINS_TOKEN", "value": key}
        marker = properties.marker(record)  # the token search may match more: keep the exact marker
        found = self._search(kind, [spec], [body], FIND_CANDIDATES)
        return next((str(r.id) for r in found if marker in (r.properties.get(body) or "")), None)

    def remove(self, key: RecordKey, crm_id: str) -> None:
        kind = properties.object_type(key.kind)
        try:
            self.apis.call(self.apis.objects.archive, kind, crm_id)
        except RecordRejectedError as exc:
            if exc.reason not in GONE:
                raise

    def pull(self, since: datetime | None) -> Pulled:
        owners = self._owners()
        companies = self._changed(
            "companies", since, ["name", "hubspot_owner_id", "industry", "hs_lastmodifieddate"]
        )
        contacts = self._changed(
            "contacts",
            since,
            ["firstname", "lastname", "jobtitle", "associatedcompanyid", "lastmodifieddate"],
        )
        return Pulled(
            owners=owners,
            accounts=[
                CrmAccount(
                    str(c.id),
                    c.properties.get("name") or "",
                    c.properties.get("hubspot_owner_id") or None,
                    c.properties.get("industry") or None,
                    _parse(c.properties.get("hs_lastmodifieddate")),
                )
                for c in companies
                if (c.properties.get("name") or "").strip()
            ],
            contacts=[
                self._contact(c.id, c.properties) for c in contacts if self._contact_name(c.properties)
            ],
            closed_tasks=self._closed_tasks(since),
        )

    # -- pull helpers -------------------------------------------------------------------

    def _owners(self) -> list[CrmOwner]:
        found: list[CrmOwner] = []
        after: str | None = None
        while True:
            page = self.apis.call(self.apis.owners.get_page, limit=PAGE, after=after, archived=False)
            for owner in page.results:
                name = " ".join(p for p in (owner.first_name, owner.last_name) if p) or (owner.email or "")
                if owner.email:
                    found.append(CrmOwner(str(owner.id), owner.email, name))
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                return found

    def _changed(self, kind: str, since: datetime | None, wanted: list[str]) -> list[Any]:
        if since is None:
            return list(self._all(kind, wanted))
        modified = "lastmodifieddate" if kind == "contacts" else "hs_lastmodifieddate"
        after_ms = str(int(since.timestamp() * 1000))
        return self._search(
            kind, [{"propertyName": modified, "operator": "GTE", "value": after_ms}], wanted, None
        )

    def _all(self, kind: str, wanted: list[str]) -> Iterator[Any]:
        after: str | None = None
        while True:
            page = self.apis.call(
                self.apis.objects.get_page, kind, limit=PAGE, after=after, properties=wanted
            )
            yield from page.results
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                return

    def _search(
        self, kind: str, filters: list[dict[str, str]], wanted: list[str], limit: int | None
    ) -> list[Any]:
        """Every match (or the first ``limit``), paging as the search API does (200 a page)."""
        found: list[Any] = []
        after: str | None = None
        while True:
            request = PublicObjectSearchRequest(
                filter_groups=[{"filters": filters}],
                properties=wanted,
                limit=min(limit or SEARCH_PAGE, SEARCH_PAGE),
                after=after,
                sorts=[{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            )
            page = self.apis.call(self.apis.search.do_search, kind, request)
            found.extend(page.results)
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after or (limit is not None and len(found) >= limit):
                return found[:limit] if limit is not None else found

    @staticmethod
    def _contact_name(values: dict[str, Any]) -> str:
        return " ".join(
            p.strip() for p in (values.get("firstname") or "", values.get("lastname") or "") if p.strip()
        )

    def _contact(self, crm_id: str, values: dict[str, Any]) -> CrmContact:
        return CrmContact(
            str(crm_id),
            values.get("associatedcompanyid") or None,
            self._contact_name(values),
            values.get("jobtitle") or None,
            None,
            _parse(values.get("lastmodifieddate")),
        )

    def _closed_tasks(self, since: datetime | None) -> list[ClosedTask]:
        by_property = self._mode("tasks") != "marker"
        filters = [{"propertyName": "hs_task_status", "operator": "EQ", "value": "COMPLETED"}]
        if since is not None:
            after_ms = str(int(since.timestamp() * 1000))
            filters.append({"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": after_ms})
        wanted = ["hs_task_completion_date", *([self.settings.id_property] if by_property else [])]
        return [
            ClosedTask(
                str(task.id),
                (task.properties.get(self.settings.id_property) or None) if by_property else None,
                _parse(task.properties.get("hs_task_completion_date")),
            )
            for task in self._search("tasks", filters, wanted, None)
        ]
