"""The HubSpot port on its own, against the fake portal: what ``find`` may and may not take for
an interrupted create, and the settings' one-line refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fakes.hubspot_api import FakeHubSpot

from kam_bot.config import SettingsError
from kam_bot.domain.crm_records import AccountRef, PersonRef, RecordKey, VisitRecord
from kam_bot.integrations.hubspot.client import HubSpotCrm
from kam_bot.integrations.hubspot.settings import HubSpotSettings, check_settings


@pytest.fixture
def fake() -> Iterator[FakeHubSpot]:
    with FakeHubSpot() as server:
        yield server


def visit(number: int, company: str) -> VisitRecord:
    return VisitRecord(
        key=RecordKey("visit", number),
        account=AccountRef(1, "Baosteel", company),
        rep=PersonRef(1, "Rita Rep"),
        visited_at=datetime(2026, 11, 23, 8, tzinfo=UTC),
        kind="in_person",
        goal=f"visit {number}",
    )


def test_find_by_body_marker_takes_only_the_exact_key(fake: FakeHubSpot) -> None:
    company = fake.add("companies", {"name": "Baosteel"})
    port = HubSpotCrm(HubSpotSettings(access_token=fake.token, api_url=fake.url))
    twelve = port.push(visit(12, company), None)

    assert port.find(visit(1, company)) is None  # "kam-bot-visit-1" is not "kam-bot-visit-12"
    assert port.find(visit(12, company)) == twelve
    assert fake.get("meetings", twelve).properties["hs_meeting_body"].endswith("[kam-bot-visit-12]")


def test_find_by_id_property_and_a_push_to_an_archived_record_creates_it_again(fake: FakeHubSpot) -> None:
    fake.define_property("meetings", "kam_bot_id")
    company = fake.add("companies", {"name": "Baosteel"})
    port = HubSpotCrm(HubSpotSettings(access_token=fake.token, api_url=fake.url))
    first = port.push(visit(3, company), None)
    fake.get("meetings", first).archived = True  # someone deleted it in HubSpot

    again = port.push(visit(3, company), first)

    assert again != first and port.find(visit(3, company)) == again
    assert fake.get("meetings", again).properties["kam_bot_id"] == "kam-bot-visit-3"
    assert fake.associated("meetings", again, "companies") == {company}


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({}, "HUBSPOT_ACCESS_TOKEN is not set"),
        ({"access_token": "  "}, "HUBSPOT_ACCESS_TOKEN is not set"),
        ({"access_token": "pat-1", "api_url": "api.hubapi.com"}, "HUBSPOT_API_URL is not a URL"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], named: str
) -> None:
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    with pytest.raises(SettingsError, match=named):
        check_settings(HubSpotSettings(**values))  # type: ignore[arg-type]
