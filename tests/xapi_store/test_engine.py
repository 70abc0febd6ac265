"""The engines the LMS and the LRS build for PostgreSQL run without JIT compilation.

JIT compiled every query whose estimated cost passed a threshold: with a table freshly loaded
and not yet analysed, 1 ms lookups and pages took 10-300 ms of compiling at 1,000,000 statements.
"""

from sqlalchemy import text

import xapi_store
from lms.db import make_engine


def _jit(engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SHOW jit")).scalar_one()


def test_lms_and_lrs_engines_turn_jit_off(pg_database_url):
    for engine in (make_engine(pg_database_url), xapi_store.make_engine(pg_database_url)):
        try:
            assert _jit(engine) == "off"
        finally:
            engine.dispose()
