"""HubSpot, through the official ``hubspot-api-client`` (CRM v3 objects, v4 associations, owners;
a private app's access token)."""

NAME = "hubspot"
