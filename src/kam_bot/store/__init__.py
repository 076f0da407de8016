"""Persistence: SQLAlchemy 2 tables, the unit of work, engine set-up and migrations."""
