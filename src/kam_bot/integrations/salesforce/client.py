"""The Salesforce port over ``simple-salesforce`` (being written: the registration builds it)."""

from __future__ import annotations

from datetime import datetime

from kam_bot.integrations.records import Pulled, Record, RecordKey
from kam_bot.integrations.salesforce.settings import SalesforceSettings


class SalesforceCrm:
    name = "salesforce"

    def __init__(self, settings: SalesforceSettings) -> None:
        self.settings = settings

    def check(self) -> None:
        raise NotImplementedError

    def push(self, record: Record, crm_id: str | None) -> str:
        raise NotImplementedError

    def find(self, record: Record) -> str | None:
        raise NotImplementedError

    def remove(self, key: RecordKey, crm_id: str) -> None:
        raise NotImplementedError

    def pull(self, since: datetime | None) -> Pulled:
        raise NotImplementedError
