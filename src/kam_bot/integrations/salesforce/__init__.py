"""Salesforce, through ``simple-salesforce`` (REST API, OAuth client-credentials or username +
password + security token)."""

NAME = "salesforce"
