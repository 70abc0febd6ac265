"""Alembic migrations of the LRS tables (branch label "xapi_store")."""
