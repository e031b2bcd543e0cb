"""The read side: every SELECT of every command, organised by what it answers.

Each module holds the queries of one subject (``drafts``, ``opinions``, ``status``, ``surveys``,
``log``, ``definition``) as plain functions that take a ``lipctl.store.reader.Reader`` — on the
driver's own connection for the read commands (no SQLAlchemy import), or on the connection of an
open unit of work (``Reader.of(session)``) for the commands that write — and return typed rows
(NamedTuples), with dates already converted by the reader. Services compute and shape; they hold
no SQL.
"""
