"""Alembic environment: always run on a connection handed over by casecell's vault.

The vault opens the transaction (SQLite transactional DDL through an explicit BEGIN), so a
migration that fails rolls the whole upgrade back and leaves the vault as it was.
"""

from alembic import context

from casecell.storage.migrate import include_name, render_item
from casecell.storage.orm import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
    compare_type=True,
    include_name=include_name,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
