"""The fake HubSpot answers the official client (hubspot-api-client) as HubSpot does."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import urllib3
from fakes.hubspot_api import FakeHubSpot
from hubspot import Client
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputUpsert,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


NOON = 1_796_126_400.0  # 2026-12-01T12:00:00Z


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeHubSpot]:
    with FakeHubSpot(clock=clock) as server:
        yield server


def client(fake: FakeHubSpot, token: str | None = None) -> Client:
    """The official client, without urllib3's own retries (which would sleep out a Retry-After)."""
    no_retry = urllib3.Retry(total=0, respect_retry_after_header=False, raise_on_status=False)
    return Client.create(access_token=token or fake.token, host=fake.url, retry=no_retry)


class Refusal:
    """What the client raised: each API package has its own ``ApiException`` class."""

    def __init__(self, error: Exception) -> None:
        self.status: int = getattr(error, "status", 0)
        self.headers = getattr(error, "headers", None) or {}
        self.body: dict[str, object] = json.loads(getattr(error, "body", None) or "{}")


def refused(call: Callable[[], object]) -> Refusal:
    try:
        call()
    except Exception as error:
        return Refusal(error)
    raise AssertionError("the call was not refused")


def test_a_meeting_created_with_its_company_and_contacts_is_associated_both_ways(fake: FakeHubSpot) -> None:
    company = fake.add("companies", {"name": "Baosteel", "domain": "baosteel.com"})
    contact = fake.add("contacts", {"firstname": "Wei", "lastname": "Li", "email": "li.wei@baosteel.com"})
    api = client(fake)

    created = api.crm.objects.meetings.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"hs_timestamp": "2026-12-01T08:30:00Z", "hs_meeting_title": "Visit: Baosteel"},
            associations=[
                {
                    "to": {"id": company},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 188}],
                },
                {
                    "to": {"id": contact},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 200}],
                },
            ],
        )
    )

    assert created.properties["hs_meeting_title"] == "Visit: Baosteel"
    assert created.properties["hs_timestamp"] == "2026-12-01T08:30:00.000Z"
    page = api.crm.associations.v4.basic_api.get_page("companies", company, "meetings")
    assert [str(r.to_object_id) for r in page.results] == [created.id]
    assert page.results[0].association_types[0].type_id == 187
    assert fake.associated("meetings", created.id, "contacts") == {contact}


def test_an_association_type_of_another_pair_is_refused(fake: FakeHubSpot) -> None:
    company = fake.add("companies", {"name": "Baosteel"})
    task = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_subject": "quote"})

    refusal = refused(
        lambda: client(fake).crm.associations.v4.basic_api.create(
            "tasks", task, "companies", company, [AssociationSpec("HUBSPOT_DEFINED", 188)]
        )
    )

    assert refusal.status == 400 and refusal.body["category"] == "VALIDATION_ERROR"
    client(fake).crm.associations.v4.basic_api.create(
        "tasks", task, "companies", company, [AssociationSpec("HUBSPOT_DEFINED", 192)]
    )
    assert fake.associated("companies", company, "tasks") == {task}


def test_upsert_by_a_unique_property_creates_once_then_updates(fake: FakeHubSpot) -> None:
    fake.define_property("tasks", "kam_bot_id", unique=True)
    batch = client(fake).crm.objects.tasks.batch_api
    upsert = {
        "id": "promise-11",
        "idProperty": "kam_bot_id",
        "properties": {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_subject": "quote"},
    }

    first = batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=[upsert]))
    upsert["properties"] = {"hs_task_status": "COMPLETED"}
    second = batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=[upsert]))

    assert [r.new for r in first.results] == [True] and [r.new for r in second.results] == [False]
    assert first.results[0].id == second.results[0].id
    (task,) = fake.all("tasks")
    assert task.properties["kam_bot_id"] == "promise-11"
    assert task.properties["hs_task_status"] == "COMPLETED"
    assert task.properties["hs_task_completion_date"].startswith("2026-12-01T12:00:00")


def test_a_second_create_with_the_same_unique_value_is_a_conflict(fake: FakeHubSpot) -> None:
    fake.define_property("notes", "kam_bot_id", unique=True)
    basic = client(fake).crm.objects.notes.basic_api
    note = {"hs_timestamp": "2026-12-01T08:30:00Z", "hs_note_body": "price", "kam_bot_id": "obs-3"}
    first = basic.create(SimplePublicObjectInputForCreate(properties=note))

    refusal = refused(lambda: basic.create(SimplePublicObjectInputForCreate(properties=note)))

    assert refusal.status == 409 and refusal.body["category"] == "CONFLICT"
    assert f"Existing ID: {first.id}" in str(refusal.body["message"])


def test_upsert_by_a_property_that_is_not_unique_is_refused(fake: FakeHubSpot) -> None:
    fake.define_property("meetings", "kam_bot_id", unique=False)
    upsert = {
        "id": "visit-1",
        "idProperty": "kam_bot_id",
        "properties": {"hs_timestamp": "2026-12-01T08:30:00Z"},
    }

    batch = client(fake).crm.objects.meetings.batch_api
    refusal = refused(lambda: batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=[upsert])))

    assert refusal.status == 400 and "not a unique identifier property" in str(refusal.body["message"])
    assert fake.all("meetings") == []


def test_a_task_closed_in_hubspot_is_found_by_a_search_since_the_last_pull(
    fake: FakeHubSpot, clock: Clock
) -> None:
    open_task = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_status": "NOT_STARTED"})
    closed = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_status": "NOT_STARTED"})
    last_pull_ms = int(clock.now * 1000)
    clock.now += 3600
    fake.change("tasks", closed, {"hs_task_status": "COMPLETED"})

    found = client(fake).crm.objects.tasks.search_api.do_search(
        PublicObjectSearchRequest(
            filter_groups=[
                {
                    "filters": [
                        {"propertyName": "hs_lastmodifieddate", "operator": "GT", "value": str(last_pull_ms)},
                        {"propertyName": "hs_task_status", "operator": "EQ", "value": "COMPLETED"},
                    ]
                }
            ],
            properties=["hs_task_status", "hs_task_completion_date"],
            limit=100,
        )
    )

    assert found.total == 1
    assert [r.id for r in found.results] == [closed] != [open_task]
    assert found.results[0].properties["hs_task_completion_date"] == "2026-12-01T13:00:00.000Z"


def test_owners_are_listed_and_found_by_email(fake: FakeHubSpot) -> None:
    li_na = fake.add_owner("li.na@example.com", "Na", "Li")
    fake.add_owner("wang.fang@example.com", "Fang", "Wang")
    owners = client(fake).crm.owners.owners_api

    assert [o.id for o in owners.get_page(email="LI.NA@example.com").results] == [li_na]
    first = owners.get_page(limit=1)
    second = owners.get_page(limit=1, after=first.paging.next.after)
    assert [o.email for o in first.results + second.results] == ["li.na@example.com", "wang.fang@example.com"]
    assert second.paging is None


def test_unknown_properties_options_and_owners_are_refused_with_hubspots_error_body(
    fake: FakeHubSpot,
) -> None:
    basic = client(fake).crm.objects.tasks.basic_api

    properties = {
        "hs_timestamp": "2026-12-04T00:00:00Z",
        "hs_task_subjet": "typo",
        "hs_task_status": "OPEN",
        "hubspot_owner_id": "123",
    }
    refusal = refused(lambda: basic.create(SimplePublicObjectInputForCreate(properties=properties)))

    error = refusal.body
    assert refusal.status == 400
    assert error["status"] == "error" and error["category"] == "VALIDATION_ERROR" and error["correlationId"]
    for expected in ("PROPERTY_DOESNT_EXIST", "INVALID_OPTION", "INVALID_OWNER_ID"):
        assert expected in str(error["message"])
    assert fake.all("tasks") == []


def test_an_engagement_without_hs_timestamp_is_refused(fake: FakeHubSpot) -> None:
    note = SimplePublicObjectInputForCreate(properties={"hs_note_body": "no time"})
    refusal = refused(lambda: client(fake).crm.objects.notes.basic_api.create(note))
    assert refusal.status == 400 and "hs_timestamp" in str(refusal.body["message"])


def test_a_batch_update_naming_a_deleted_task_answers_207_and_updates_the_rest(fake: FakeHubSpot) -> None:
    kept = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_subject": "quote"})
    gone = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "hs_task_subject": "PO"})
    batch = client(fake).crm.objects.tasks.batch_api
    client(fake).crm.objects.tasks.basic_api.archive(gone)

    answer = batch.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                {"id": kept, "properties": {"hs_task_subject": "quote v2"}},
                {"id": gone, "properties": {"hs_task_subject": "PO v2"}},
            ]
        )
    )

    assert [r.id for r in answer.results] == [kept]
    assert answer.errors[0].category == "OBJECT_NOT_FOUND" and answer.errors[0].context == {"ids": [gone]}
    assert fake.get("tasks", kept).properties["hs_task_subject"] == "quote v2"


def test_a_revoked_or_expired_token_gets_401_with_hubspots_body(fake: FakeHubSpot) -> None:
    fake.revoke()
    revoked = refused(lambda: client(fake).crm.objects.basic_api.get_page("companies"))
    fake.expire()
    expired = refused(lambda: client(fake).crm.objects.basic_api.get_page("companies"))
    fake.restore()

    assert revoked.status == expired.status == 401
    assert revoked.body["category"] == "INVALID_AUTHENTICATION"
    assert "Authentication credentials not found" in str(revoked.body["message"])
    assert expired.body["category"] == "EXPIRED_AUTHENTICATION"
    assert client(fake).crm.objects.basic_api.get_page("companies").results == []


def test_the_ten_second_limit_answers_429_with_retry_after_until_the_window_has_room(
    clock: Clock,
) -> None:
    with FakeHubSpot(per_ten_seconds=3, clock=clock) as fake:
        basic = client(fake).crm.objects.basic_api
        remaining = []
        for _ in range(3):
            _, _, headers = basic.get_page_with_http_info("companies")
            remaining.append(headers["X-HubSpot-RateLimit-Remaining"])
        clock.now += 4
        limited = refused(lambda: basic.get_page("companies"))
        clock.now += 6
        basic.get_page("companies")

    assert remaining == ["2", "1", "0"]
    assert headers["X-HubSpot-RateLimit-Max"] == "3"
    assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert limited.status == 429 and limited.headers["Retry-After"] == "6"
    assert limited.body["errorType"] == "RATE_LIMIT" and limited.body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert fake.rate_limited == 1 and fake.counted() == 4


def test_the_daily_limit_holds_until_midnight_utc(clock: Clock) -> None:
    with FakeHubSpot(daily=2, clock=clock) as fake:
        basic = client(fake).crm.objects.basic_api
        basic.get_page("companies")
        _, _, headers = basic.get_page_with_http_info("companies")
        limited = refused(lambda: basic.get_page("companies"))
        clock.now += 12 * 3600
        basic.get_page("companies")

    assert (
        headers["X-HubSpot-RateLimit-Daily"] == "2" and headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    )
    assert limited.status == 429 and limited.body["policyName"] == "DAILY"
    assert limited.headers["Retry-After"] == str(12 * 3600)


def test_with_latency_the_record_exists_before_its_answer_arrives(fake: FakeHubSpot) -> None:
    fake.latency = 1.0
    basic = client(fake).crm.objects.tasks.basic_api

    task = SimplePublicObjectInputForCreate(properties={"hs_timestamp": "2026-12-04T00:00:00Z"})
    with pytest.raises(Exception, match="timed out"):
        basic.create(task, _request_timeout=0.2)

    assert len(fake.all("tasks")) == 1


def test_an_update_by_a_unique_id_property_reaches_the_record(fake: FakeHubSpot) -> None:
    fake.define_property("tasks", "kam_bot_id", unique=True)
    task = fake.add("tasks", {"hs_timestamp": "2026-12-04T00:00:00Z", "kam_bot_id": "promise-2"})

    client(fake).crm.objects.tasks.basic_api.update(
        "promise-2",
        SimplePublicObjectInput(properties={"hs_task_status": "COMPLETED"}),
        id_property="kam_bot_id",
    )

    assert fake.get("tasks", task).properties["hs_task_status"] == "COMPLETED"
