"""lipctl init: create or upgrade the schema and load the process definition (seed.yaml).

Running it again changes nothing that is already right; what differs is updated and each change
is recorded in the audit log. Nothing that process records refer to is ever deleted.

The values an office also edits from the terminal (contacts, chairs, addresses, languages) meet the
seed three-way (lipctl.process.seedmerge): the seed applies only where it changed since it last
applied; a value changed in lipctl since then is kept, and reported as a conflict where the seed
changed it too. ``--dry-run`` does it all in a transaction that is rolled back: the report, nothing stored.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lipctl.errors import SeedInvalid
from lipctl.i18n import _
from lipctl.process import definition as d
from lipctl.services import audit
from lipctl.store import seeding

if TYPE_CHECKING:
    from lipctl.context import Env


def default_seed_path() -> Path:
    """The seed shipped in the wheel (lipctl/data/seed.yaml), else the source tree's data/seed.yaml."""
    packaged = resources.files("lipctl").joinpath("data/seed.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data" / "seed.yaml"


def read_seed(path: Path) -> d.ProcessDefinition:
    """Read and validate a seed file; every problem names the file and the key."""
    import yaml

    from lipctl.files import inputs

    source = str(path)
    raw = inputs.read_bytes(path, inputs.seed_kind())  # a regular file within LIPCTL_MAX_SEED_MB
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedInvalid(source, _("byte {n}").format(n=exc.start), _("the file is not UTF-8 text")) from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line {line}, column {column}").format(line=mark.line + 1, column=mark.column + 1) if mark else _("(file)")
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SeedInvalid(source, where, _("not valid YAML: {problem}").format(problem=problem)) from None
    return d.parse_definition(data, source)


def _describe(contact: seeding.Contact | None) -> dict[str, Any] | None:
    return contact._asdict() if contact is not None else None


def apply_definition(env: Env, session: Session, pd: d.ProcessDefinition) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Write the definition into the store; returns the changes (empty when all was right) and the conflicts
    (values changed in lipctl and in the seed since it last applied: kept, reported).

    A changed contact is audited with the person before and after.
    """
    sync = seeding.Sync(session)
    seeding.sync_process_info(sync, pd)
    seeding.sync_document_kinds(sync, pd)
    rule_ids = seeding.sync_rule_sets(sync, pd)
    field_ids = seeding.sync_fields(sync, pd)
    for change in sync.contacts:
        audit.record(
            env,
            session,
            "contact.changed",
            entity="action_field",
            entity_id=change.field_id,
            field=change.field,
            role=change.role.value,
            before=_describe(change.before),
            after=_describe(change.after),
        )
    body_ids = seeding.sync_bodies(sync, pd, field_ids, rule_ids)
    seeding.sync_requirements(sync, pd, body_ids)
    seeding.sync_decision_chain(sync, pd, body_ids)
    seeding.sync_milestones(sync, pd)
    seeding.sync_categories(sync, pd)
    seeding.sync_events(sync, pd)
    from lipctl.services import papers

    sync.changes.extend(papers.sync_founding(env, session, pd))  # the Drucksachen register (revision 0007)
    sync.record_seed_values(audit.utcnow())  # issue 18: what the seed applied, for the next init's three-way rule
    session.flush()
    return sync.changes, sync.conflicts


def dry_run(env: Env, seed: Path | None) -> dict[str, Any]:
    """What ``init`` would change and the conflicts it would report, on a database at this lipctl's schema;
    the transaction is rolled back (``init --dry-run``)."""
    from lipctl.store.engine import safe_url

    seed_path = seed or default_seed_path()
    pd = read_seed(seed_path)
    with env.uow(write=True) as uow:  # refuses a database that is missing or not at this schema
        changes, conflicts = apply_definition(env, uow.session, pd)
        # leaving without commit() rolls everything back
    return {
        "database": safe_url(env.store.url),
        "dry_run": True,
        "seed": str(seed_path),
        "changes": changes,
        "conflicts": conflicts,
        "fields": len(pd.fields),
    }


def init(env: Env, seed: Path | None) -> dict[str, Any]:
    """Create or upgrade the database and load the seed, in one transaction."""
    from lipctl.store import schema
    from lipctl.store.engine import safe_url
    from lipctl.store.uow import UnitOfWork

    seed_path = seed or default_seed_path()
    pd = read_seed(seed_path)  # before touching the database: a broken file changes nothing
    engine = env.store.engine(create=True)
    with UnitOfWork(engine, write=True, scrub=env.store.password) as uow:
        conn = uow.session.connection()
        before, after = schema.upgrade(conn)
        changes, conflicts = apply_definition(env, uow.session, pd)
        if before != after:
            audit.record(env, uow.session, "schema.upgraded", before=before, after=after)
        if changes or conflicts:
            reported: dict[str, Any] = {"conflicts": conflicts} if conflicts else {}  # issue 18: kept, as the report shows them
            audit.record(env, uow.session, "seed.loaded", seed=str(seed_path), changes=len(changes), **reported)
        uow.commit()
    env.store.mark_checked()
    from lipctl.services.db import withdraw_others

    return {
        "database": safe_url(env.store.url),
        "schema_before": before,
        "schema": after,
        "seed": str(seed_path),
        "changes": changes,
        "conflicts": conflicts,
        "fields": len(pd.fields),
        # An existing database may have been created readable by everyone (SQLite's 0644), as in db upgrade.
        "permissions": withdraw_others(env),
    }
