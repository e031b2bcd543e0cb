"""PostgreSQL's roles and privileges on lipctl's objects: the catalogue queries and the GRANT/REVOKE of ``db grant``.

Which role gets what, and when a role is refused, is the service's (lipctl/services/grants.py); this
module asks the server's catalogue (pg_class, pg_roles, has_*_privilege) and sends the statements,
every name quoted as an identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import Connection, text


class Me(NamedTuple):
    """The role this connection runs as."""

    name: str
    superuser: bool


class Objects(NamedTuple):
    """lipctl's schema (where alembic_version is), its tables there, the sequences those tables own."""

    schema: str
    tables: list[str]
    sequences: list[str]


class Place(NamedTuple):
    """Where the privileges apply: the objects, the database, and the owner whose default privileges cover later tables."""

    objects: Objects
    database: str
    owner: str


def current_role(conn: Connection) -> Me:
    me = conn.execute(text("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")).one()
    return Me(me[0], bool(me[1]))


def lipctl_objects(conn: Connection) -> Objects | None:
    """lipctl's schema, tables and sequences; None when there is no alembic_version table (not initialised)."""
    from lipctl.store.models import Base

    schema = conn.execute(
        text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('alembic_version')"
        )
    ).scalar_one_or_none()
    if schema is None:
        return None
    names = sorted({*Base.metadata.tables, "alembic_version", "search_terms"})  # search_terms: issue 19, lipctl.search
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
    return Objects(schema, tables, sequences)


def database_and_owner(conn: Connection) -> tuple[str, str]:
    """The current database and the role that owns alembic_version (the one that ran 'lipctl init')."""
    database, owner = conn.execute(
        text("SELECT current_database(), pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('alembic_version')")
    ).one()
    return database, owner


def table_not_mine(conn: Connection, objects: Objects) -> tuple[str, str] | None:
    """The first of the tables whose owner's role the current user does not have, with that owner; None when none."""
    row = conn.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND NOT pg_has_role(current_user, c.relowner, 'USAGE') "
            "ORDER BY c.relname LIMIT 1"
        ),
        {"schema": objects.schema, "tables": objects.tables},
    ).first()
    return (row[0], row[1]) if row is not None else None


def is_superuser(conn: Connection, role: str) -> bool | None:
    """Whether ``role`` is a superuser; None when there is no such role."""
    found = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    return None if found is None else bool(found[0])


def _defaults(conn: Connection, place: Place) -> str:
    quote = conn.dialect.identifier_preparer.quote_identifier
    return f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(place.owner)} IN SCHEMA {quote(place.objects.schema)}"


def revoke_all(conn: Connection, role: str, place: Place) -> None:
    """Whatever the role had on lipctl's objects: gone, so that the grant that follows is all it has."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    r, s, defaults = quote(role), quote(place.objects.schema), _defaults(conn, place)
    for table in place.objects.tables:
        conn.execute(text(f"REVOKE ALL ON {s}.{quote(table)} FROM {r}"))
    for sequence in place.objects.sequences:
        conn.execute(text(f"REVOKE ALL ON SEQUENCE {s}.{quote(sequence)} FROM {r}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM {r}"))
    conn.execute(text(f"REVOKE TEMPORARY, CREATE ON DATABASE {quote(place.database)} FROM {r}"))
    conn.execute(text(f"{defaults} REVOKE ALL ON TABLES FROM {r}"))
    conn.execute(text(f"{defaults} REVOKE ALL ON SEQUENCES FROM {r}"))


def _connect(conn: Connection, role: str, place: Place) -> None:
    quote = conn.dialect.identifier_preparer.quote_identifier
    conn.execute(text(f"GRANT CONNECT ON DATABASE {quote(place.database)} TO {quote(role)}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {quote(place.objects.schema)} TO {quote(role)}"))


def grant_reader(conn: Connection, role: str, place: Place) -> None:
    """CONNECT, USAGE on the schema and SELECT on every table, now and (default privileges) later."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    r, s = quote(role), quote(place.objects.schema)
    _connect(conn, role, place)
    for table in place.objects.tables:
        conn.execute(text(f"GRANT SELECT ON {s}.{quote(table)} TO {r}"))
    conn.execute(text(f"{_defaults(conn, place)} GRANT SELECT ON TABLES TO {r}"))


def grant_writer(conn: Connection, role: str, place: Place, privileges: str, special: Mapping[str, str]) -> None:
    """CONNECT, USAGE, TEMPORARY, ``privileges`` on each table (``special`` for some), USAGE and SELECT on the sequences."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    r, s = quote(role), quote(place.objects.schema)
    defaults = _defaults(conn, place)
    _connect(conn, role, place)
    conn.execute(text(f"GRANT TEMPORARY ON DATABASE {quote(place.database)} TO {r}"))
    for table in place.objects.tables:
        conn.execute(text(f"GRANT {special.get(table, privileges)} ON {s}.{quote(table)} TO {r}"))
    for sequence in place.objects.sequences:
        conn.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {s}.{quote(sequence)} TO {r}"))
    conn.execute(text(f"{defaults} GRANT {privileges} ON TABLES TO {r}"))
    conn.execute(text(f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {r}"))


def can_create_in_schema(conn: Connection, role: str, schema: str) -> bool:
    """has_schema_privilege CREATE: through the role itself, PUBLIC or a role it belongs to."""
    return bool(
        conn.execute(text("SELECT has_schema_privilege(:role, :schema, 'CREATE')"), {"role": role, "schema": schema}).scalar_one()
    )


def table_owned_by(conn: Connection, role: str, objects: Objects) -> str | None:
    """A table the role owns (or whose owner's role it has); None when none."""
    owned: str | None = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND pg_has_role(:role, c.relowner, 'USAGE') LIMIT 1"
        ),
        {"role": role, "schema": objects.schema, "tables": objects.tables},
    ).scalar_one_or_none()
    return owned


def table_with_privilege(conn: Connection, role: str, objects: Objects, privileges: tuple[str, ...]) -> str | None:
    """The first table on which the role has any of ``privileges`` (has_table_privilege); None when none."""
    checks = " OR ".join(f"has_table_privilege(:role, c.oid, '{p}')" for p in privileges)
    extra: str | None = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "  # noqa: S608 - privileges are the caller's constants
            f"WHERE n.nspname = :schema AND c.relname = ANY(:tables) AND ({checks}) ORDER BY c.relname LIMIT 1"
        ),
        {"role": role, "schema": objects.schema, "tables": objects.tables},
    ).scalar_one_or_none()
    return extra
