"""The store: SQLAlchemy models, engine and unit of work, Alembic migrations.

Import the submodules you need; nothing heavy is imported here.
"""
