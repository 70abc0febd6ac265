"""Alembic environment: the engine and metadata come from the Flask app (lms.migrations)."""

from alembic import context

config = context.config
engine = config.attributes["engine"]
target_metadata = config.attributes["metadata"]


def render_item(type_, obj, autogen_context):
    """Write our own column types as plain SQLAlchemy types: migrations must not import the app."""
    if type_ == "type" and hasattr(obj, "impl") and obj.__class__.__module__.startswith("lms"):
        return f"sa.{obj.impl!r}"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
