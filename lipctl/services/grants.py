"""lipctl db grant: least privilege for the roles that read and write a PostgreSQL store.

A **reader** may connect and SELECT lipctl's tables — every read command, ``status`` for cron — and
nothing else: a write is refused by the server itself (and reported by lipctl in one line).
A **writer** may also INSERT, UPDATE and DELETE rows (the audit log: INSERT only; the schema version:
SELECT only), use the tables' sequences and create TEMPORARY tables (the survey import stages its rows
in one), but owns nothing and has no CREATE on the schema: it cannot change the schema.

Granting first takes away whatever the role had on lipctl's tables, so ``--reader`` turns a former
writer into a reader. Default privileges of the granting role (the tables' owner) cover the tables a
later ``lipctl db upgrade`` creates when the same role runs it; otherwise run ``db grant`` again.
Before anything is committed the result is checked with PostgreSQL's own has_*_privilege functions
(which see PUBLIC's grants and role memberships too); a role that would still have more than its
access allows is refused and nothing is changed.

On SQLite there are no roles: the file's permissions decide who reads and writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.store import roles

if TYPE_CHECKING:
    from lipctl.context import Env
READER = "reader"
WRITER = "writer"
# Tables whose rows are never changed by lipctl's commands, and what a writer may do on them.
WRITER_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
WRITER_SPECIAL = {"audit_events": "SELECT, INSERT", "alembic_version": "SELECT"}
# What a reader may not do on any table; a writer none of the last three (TRUNCATE and the schema's).
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def grant(env: Env, readers: list[str], writers: list[str]) -> dict[str, Any]:
    """Give each role in ``readers`` read access and each in ``writers`` read and write access to the rows."""
    from lipctl.services import audit
    from lipctl.store.engine import is_sqlite, safe_url

    requested = [(role, READER) for role in readers] + [(role, WRITER) for role in writers]
    if not requested:
        raise InvalidInput(_("no role given"), _("name one with --reader ROLE or --writer ROLE"))
    both = sorted(set(readers) & set(writers))
    if both:
        raise InvalidInput(
            _("{role} cannot be both reader and writer").format(role=both[0]), _("a writer reads too: give it --writer only")
        )
    if is_sqlite(env.store.url):
        raise Refused(
            _("roles exist only on a PostgreSQL server; this database is a SQLite file"),
            _(
                "on SQLite the file's permissions decide: readers need read access to the file, "
                "writers write access to it and its folder"
            ),
        )
    with env.uow(write=True) as uow:
        conn = uow.session.connection()
        me = roles.current_role(conn)
        objects = roles.lipctl_objects(conn)
        if objects is None:
            raise Refused(_("the database is not initialised"), _("run 'lipctl init' first"))
        _refuse_unless_owner(conn, me, objects)
        database, owner = roles.database_and_owner(conn)
        # the tables a later migration creates belong to the role that runs it: the owner's, normally
        place = roles.Place(objects, database, owner)
        results = []
        for role, access in requested:
            _check_role(conn, role, me.name)
            roles.revoke_all(conn, role, place)  # so that the grant that follows is all it has
            if access == READER:
                roles.grant_reader(conn, role, place)
            else:
                roles.grant_writer(conn, role, place, WRITER_TABLE_PRIVILEGES, WRITER_SPECIAL)
            _verify(conn, role, access, objects)
            audit.record(env, uow.session, "db.granted", role=role, access=access)
            results.append(
                {
                    "role": role,
                    "access": access,
                    "schema": objects.schema,
                    "tables": len(objects.tables),
                    "sequences": len(objects.sequences),
                }
            )
        uow.commit()
    return {"database": safe_url(env.store.url), "owner": owner, "grants": results}


def _refuse_unless_owner(conn: Any, me: roles.Me, objects: roles.Objects) -> None:
    if me.superuser:
        return
    other = roles.table_not_mine(conn, objects)
    if other is not None:
        raise Refused(
            _("you ({me}) do not own the table {table}; its owner is {owner}").format(me=me.name, table=other[0], owner=other[1]),
            _("run 'lipctl db grant' as the role that owns lipctl's tables (the one that ran 'lipctl init')"),
        )


def _check_role(conn: Any, role: str, me: str) -> None:
    superuser = roles.is_superuser(conn, role)
    if superuser is None:
        raise NotFound(
            _("there is no role {role} on this server").format(role=role),
            _("create it first, e.g. CREATE ROLE {role} LOGIN (role names are case-sensitive)").format(role=role),
        )
    if role == me:
        raise Refused(
            _("{role} is the role you are connected as, the owner of the tables").format(role=role),
            _("give the people and the cron jobs roles of their own"),
        )
    if superuser:
        raise Refused(
            _("{role} is a superuser: no grant can limit it").format(role=role),
            _("give the people and the cron jobs ordinary roles (CREATE ROLE … LOGIN)"),
        )


def _verify(conn: Any, role: str, access: str, objects: roles.Objects) -> None:
    """Refuse (and so roll back) when the role can still do more than ``access`` allows."""
    schema = objects.schema
    if roles.can_create_in_schema(conn, role, schema):
        raise Refused(
            _("{role} could still create tables in the schema {schema} (through PUBLIC or a role it belongs to)").format(
                role=role, schema=schema
            ),
            _("nothing was changed; take it away first: REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC").format(schema=schema),
        )
    owned = roles.table_owned_by(conn, role, objects)
    if owned is not None:
        raise Refused(
            _("{role} owns the table {table} (or belongs to its owner's role)").format(role=role, table=owned),
            _("nothing was changed; give the people and the cron jobs roles that own nothing"),
        )
    forbidden = WRITE_PRIVILEGES if access == READER else WRITE_PRIVILEGES[3:]
    extra = roles.table_with_privilege(conn, role, objects, forbidden)
    if extra is not None:
        raise Refused(
            _("{role} would still be allowed to change the table {table} (through PUBLIC or a role it belongs to)").format(
                role=role, table=extra
            ),
            _("nothing was changed; revoke those privileges from PUBLIC or the other role first"),
        )
