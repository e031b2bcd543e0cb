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

from sqlalchemy import text

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _

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
        quote = conn.dialect.identifier_preparer.quote_identifier
        me = conn.execute(text("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")).one()
        schema, tables, sequences = _objects(conn)
        _refuse_unless_owner(conn, me[0], bool(me[1]), schema, tables)
        database, owner = conn.execute(
            text("SELECT current_database(), pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('alembic_version')")
        ).one()
        # the tables a later migration creates belong to the role that runs it: the owner's, normally
        defaults = f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {quote(schema)}"
        results = []
        for role, access in requested:
            _check_role(conn, role, me[0])
            r = quote(role)
            _revoke(conn, quote, r, schema, tables, sequences, database, defaults)
            conn.execute(text(f"GRANT CONNECT ON DATABASE {quote(database)} TO {r}"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {r}"))
            if access == READER:
                for table in tables:
                    conn.execute(text(f"GRANT SELECT ON {quote(schema)}.{quote(table)} TO {r}"))
                conn.execute(text(f"{defaults} GRANT SELECT ON TABLES TO {r}"))
            else:
                conn.execute(text(f"GRANT TEMPORARY ON DATABASE {quote(database)} TO {r}"))
                for table in tables:
                    privileges = WRITER_SPECIAL.get(table, WRITER_TABLE_PRIVILEGES)
                    conn.execute(text(f"GRANT {privileges} ON {quote(schema)}.{quote(table)} TO {r}"))
                for sequence in sequences:
                    conn.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {quote(schema)}.{quote(sequence)} TO {r}"))
                conn.execute(text(f"{defaults} GRANT {WRITER_TABLE_PRIVILEGES} ON TABLES TO {r}"))
                conn.execute(text(f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {r}"))
            _verify(conn, role, access, schema, tables)
            audit.record(env, uow.session, "db.granted", role=role, access=access)
            results.append({"role": role, "access": access, "schema": schema, "tables": len(tables), "sequences": len(sequences)})
        uow.commit()
    return {"database": safe_url(env.store.url), "owner": owner, "grants": results}


def _objects(conn: Any) -> tuple[str, list[str], list[str]]:
    """lipctl's schema (where alembic_version is), its tables there, and the sequences those tables own."""
    from lipctl.store.models import Base

    schema = conn.execute(
        text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('alembic_version')"
        )
    ).scalar_one_or_none()
    if schema is None:
        raise Refused(_("the database is not initialised"), _("run 'lipctl init' first"))
    names = sorted({*Base.metadata.tables, "alembic_version"})
    tables = list(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND c.relname = ANY(:names) ORDER BY c.relname"
            ),
            {"schema": schema, "names": names},
        ).scalars()
    )
    sequences = list(
        conn.execute(
            text(
                "SELECT DISTINCT s.relname FROM pg_class s "
                "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i') "
                "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE s.relkind = 'S' AND n.nspname = :schema AND t.relname = ANY(:tables) ORDER BY s.relname"
            ),
            {"schema": schema, "tables": tables},
        ).scalars()
    )
    return schema, tables, sequences


def _refuse_unless_owner(conn: Any, me: str, superuser: bool, schema: str, tables: list[str]) -> None:
    if superuser:
        return
    others = conn.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND NOT pg_has_role(current_user, c.relowner, 'USAGE') "
            "ORDER BY c.relname LIMIT 1"
        ),
        {"schema": schema, "tables": tables},
    ).first()
    if others is not None:
        raise Refused(
            _("you ({me}) do not own the table {table}; its owner is {owner}").format(me=me, table=others[0], owner=others[1]),
            _("run 'lipctl db grant' as the role that owns lipctl's tables (the one that ran 'lipctl init')"),
        )


def _check_role(conn: Any, role: str, me: str) -> None:
    found = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    if found is None:
        raise NotFound(
            _("there is no role {role} on this server").format(role=role),
            _("create it first, e.g. CREATE ROLE {role} LOGIN (role names are case-sensitive)").format(role=role),
        )
    if role == me:
        raise Refused(
            _("{role} is the role you are connected as, the owner of the tables").format(role=role),
            _("give the people and the cron jobs roles of their own"),
        )
    if found[0]:
        raise Refused(
            _("{role} is a superuser: no grant can limit it").format(role=role),
            _("give the people and the cron jobs ordinary roles (CREATE ROLE … LOGIN)"),
        )


def _revoke(
    conn: Any, quote: Any, r: str, schema: str, tables: list[str], sequences: list[str], database: str, defaults: str
) -> None:
    """Whatever the role had on lipctl's objects: gone, so that the grant that follows is all it has."""
    s = quote(schema)
    for table in tables:
        conn.execute(text(f"REVOKE ALL ON {s}.{quote(table)} FROM {r}"))
    for sequence in sequences:
        conn.execute(text(f"REVOKE ALL ON SEQUENCE {s}.{quote(sequence)} FROM {r}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM {r}"))
    conn.execute(text(f"REVOKE TEMPORARY, CREATE ON DATABASE {quote(database)} FROM {r}"))
    conn.execute(text(f"{defaults} REVOKE ALL ON TABLES FROM {r}"))
    conn.execute(text(f"{defaults} REVOKE ALL ON SEQUENCES FROM {r}"))


def _verify(conn: Any, role: str, access: str, schema: str, tables: list[str]) -> None:
    """Refuse (and so roll back) when the role can still do more than ``access`` allows."""
    args = {"role": role, "schema": schema, "tables": tables}
    if conn.execute(text("SELECT has_schema_privilege(:role, :schema, 'CREATE')"), args).scalar_one():
        raise Refused(
            _("{role} could still create tables in the schema {schema} (through PUBLIC or a role it belongs to)").format(
                role=role, schema=schema
            ),
            _("nothing was changed; take it away first: REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC").format(schema=schema),
        )
    owned = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND pg_has_role(:role, c.relowner, 'USAGE') LIMIT 1"
        ),
        args,
    ).scalar_one_or_none()
    if owned is not None:
        raise Refused(
            _("{role} owns the table {table} (or belongs to its owner's role)").format(role=role, table=owned),
            _("nothing was changed; give the people and the cron jobs roles that own nothing"),
        )
    forbidden = WRITE_PRIVILEGES if access == READER else WRITE_PRIVILEGES[3:]
    checks = " OR ".join(f"has_table_privilege(:role, c.oid, '{p}')" for p in forbidden)
    extra = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "  # noqa: S608 - privileges from WRITE_PRIVILEGES
            f"WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND ({checks}) ORDER BY c.relname LIMIT 1"
        ),
        args,
    ).scalar_one_or_none()
    if extra is not None:
        raise Refused(
            _("{role} would still be allowed to change the table {table} (through PUBLIC or a role it belongs to)").format(
                role=role, table=extra
            ),
            _("nothing was changed; revoke those privileges from PUBLIC or the other role first"),
        )
