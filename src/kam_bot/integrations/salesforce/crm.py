"""Salesforce's registration: no SDK import here (``build`` imports ``simple_salesforce``)."""

from __future__ import annotations

from kam_bot.integrations.crm import Registration
from kam_bot.integrations.salesforce import NAME
from kam_bot.integrations.salesforce.settings import SalesforceSettings, check_settings
from kam_bot.jobs.crm_port import CrmPort


def build(settings: SalesforceSettings) -> CrmPort:
    from kam_bot.integrations.salesforce.client import SalesforceCrm

    crm: CrmPort = SalesforceCrm(settings)
    return crm


REGISTRATION = Registration[SalesforceSettings](
    name=NAME,
    settings=SalesforceSettings,
    check=check_settings,
    build=build,
    how_to_enable=(
        "CRM=salesforce, SALESFORCE_INSTANCE_URL and SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET "
        "(or SALESFORCE_USERNAME + SALESFORCE_PASSWORD + SALESFORCE_TOKEN)"
    ),
    daily_limit=lambda settings: settings.daily_api_limit,
)
