"""HubSpot's registration: no SDK import here (``build`` imports ``hubspot``)."""

from __future__ import annotations

from kam_bot.integrations.crm import Registration
from kam_bot.integrations.hubspot import NAME
from kam_bot.integrations.hubspot.settings import HubSpotSettings, check_settings
from kam_bot.jobs.crm_port import CrmPort


def build(settings: HubSpotSettings) -> CrmPort:
    from kam_bot.integrations.hubspot.client import HubSpotCrm

    crm: CrmPort = HubSpotCrm(settings)
    return crm


REGISTRATION = Registration[HubSpotSettings](
    name=NAME,
    settings=HubSpotSettings,
    check=check_settings,
    build=build,
    how_to_enable="CRM=hubspot and HUBSPOT_ACCESS_TOKEN (a private app's token); HUBSPOT_API_URL for a proxy",
    daily_limit=lambda settings: settings.daily_api_limit,
)
