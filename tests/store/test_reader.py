"""The read path without SQLAlchemy: where --db points (Location) and the Reader on both stores."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import unquote

import pytest

from lipctl.errors import ExitCode, StoreError
from lipctl.store.location import resolve

# The same text must lead both ways into the store to the same database.
URLS = [
    "postgresql+psycopg://office:S3cr3t%25pw@db.example.org:5433/lip",
    "postgresql://office:p%40ss%3Aword@db.example.org/lip",
    "postgres://office@db.example.org/lip?sslmode=require",
    "postgresql+psycopg://lipctl@/t1?host=/tmp/pg-socket",
    "postgresql+psycopg://u:secret@127.0.0.1:1/x",
    "sqlite:////srv/lip/lip.db",
]


@pytest.mark.parametrize("text", URLS)
def test_location_agrees_with_sqlalchemy(text: str) -> None:
    from lipctl.store.engine import resolve_url, safe_url

    location = resolve(text)
    url = resolve_url(text)
    assert location.backend == url.get_backend_name()
    assert unquote(location.safe) == unquote(safe_url(url))  # SQLAlchemy also re-quotes the query string
    assert location.password is None or location.password not in location.safe
    assert location.password == url.password
    if location.backend == "sqlite":
        assert str(location.path) == url.database
    else:
        assert url.drivername == "postgresql+psycopg"
        assert location.libpq_url.startswith("postgresql://")


def test_location_of_a_path_and_of_the_default(isolated: Path) -> None:
    assert resolve("lip.db").path == Path("lip.db").absolute()
    assert resolve(str(isolated / "x.db")).url == f"sqlite:///{isolated / 'x.db'}"
    default = resolve(None)
    assert default.default and default.path is not None and default.path.name == "lipctl.db"
    assert resolve("sqlite://").path is None and resolve("sqlite:///:memory:").path is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mysql://u@h/x", "unsupported database 'mysql' — use a SQLite file path or postgresql+psycopg://…"),
        (
            "postgresql://u@h:port/x",
            "cannot read the database URL — write a file path or a URL such as postgresql+psycopg://user@host/db",
        ),
        ("://nothing", "cannot read the database URL — write a file path or a URL such as postgresql+psycopg://user@host/db"),
    ],
)
def test_location_refuses_what_it_cannot_read(text: str, expected: str) -> None:
    with pytest.raises(StoreError) as caught:
        resolve(text)
    assert str(caught.value) == expected


def test_reader_on_both_stores(db_url: str, seeded) -> None:
    from lipctl.context import AppContext

    store = AppContext(db=db_url)
    with store.reader() as r:
        slugs = r.column("SELECT slug FROM action_fields ORDER BY position")
        assert slugs[0] == "bildung" and len(slugs) == 6
        # a list parameter expands; an empty one matches nothing instead of being an SQL error
        ids = r.pairs("SELECT slug, id FROM action_fields")
        assert [
            x.slug for x in r.rows("SELECT slug FROM action_fields WHERE id IN (:ids) ORDER BY id", {"ids": [ids["bildung"]]})
        ] == ["bildung"]
        assert r.rows("SELECT slug FROM action_fields WHERE id IN (:ids)", {"ids": []}) == []
        # a literal % survives PostgreSQL's parameter style
        assert r.column("SELECT slug FROM action_fields WHERE slug LIKE 'b%' ORDER BY slug") == ["bildung"]
        # dates come back as dates on both (SQLite holds ISO text)
        days = r.rows("SELECT date FROM process_events ORDER BY date", dates=("date",))
        assert days and all(isinstance(row.date, dt.date) for row in days)
        due = r.rows("SELECT slug, due FROM milestones ORDER BY id", dates=("due",))  # the seed gives no day: NULL stays None
        assert due and all(row.due is None for row in due)
        flags = r.rows("SELECT voting FROM seat_categories", flags=("voting",))
        assert flags and {row.voting for row in flags} <= {True, False}
    store.dispose()


def test_a_read_command_leaves_the_file_as_it_was(seeded, isolated: Path) -> None:
    db = isolated / "lip.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for args in (["contacts"], ["fields"], ["bodies"], ["status", "--format", "json"]):
        assert seeded(*args).exit_code == ExitCode.OK
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("args", [["contacts"], ["fields"], ["bodies"], ["status"]], ids=" ".join)
def test_a_file_that_is_not_a_database(cli, isolated: Path, args: list[str]) -> None:
    db = isolated / "lip.db"
    db.write_bytes(b"just some text, not SQLite\n" * 200)
    before = db.read_bytes()
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        f"lipctl: cannot open the database sqlite:///{db}: file is not a database"
        " — check --db / LIPCTL_DB; 'lipctl db check' examines the file\n"
    )
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", [["contacts"], ["status"]], ids=" ".join)
def test_no_database_yet(cli, isolated: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr
        == f"lipctl: no database at {isolated / 'lip.db'} — run 'lipctl init' first (or point --db / LIPCTL_DB at the database)\n"
    )
    assert not (isolated / "lip.db").exists()


def test_log_since_and_limit_on_both_stores(db_url: str, seeded) -> None:
    """Timestamps compare and come back alike on SQLite (text) and PostgreSQL (timestamp)."""
    everything = seeded.json("log")
    assert len(everything) >= 2
    assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
    day = dt.date.fromisoformat(everything[-1]["occurred_at"][:10])  # the real clock's day of init
    assert seeded.json("log", "--since", day.isoformat()) == everything
    assert seeded.json("log", "--since", (day + dt.timedelta(days=1)).isoformat()) == []
    newest = seeded.json("log", "--limit", "1")
    assert newest == everything[-1:]
    assert all(e["occurred_at"].endswith("+00:00") for e in newest)


def test_draft_list_reads_alike_on_both_stores(db_url: str, seeded) -> None:
    """draft list (through the reader) shows what draft submit (through the ORM) returned."""
    submitted = [
        seeded.json(
            "--today", "2021-01-05", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Bildung 100 %"
        ),
        seeded.json(
            "--today",
            "2021-01-09",
            "draft",
            "submit",
            "Wirtschaft",
            "--kind",
            "massnahmenkatalog",
            "--without-grundsatzpapier",
            "--reason",
            "vorgezogen",
        ),
        seeded.json("--today", "2021-01-20", "draft", "submit", "bildung", "--kind", "grundsatzpapier"),
    ]
    listed = seeded.json("draft", "list")
    keys = ("id", "field", "kind", "version", "ref", "title", "submitted_on", "submitted_by")
    assert [{k: d[k] for k in keys} for d in listed] == [
        {k: d[k] for k in keys} for d in (submitted[0], submitted[2], submitted[1])
    ]
    assert [(d["state"], d["state_since"]) for d in listed] == [
        ("superseded", "2021-01-20"),
        ("submitted", "2021-01-20"),
        ("submitted", "2021-01-09"),
    ]
    assert [d["ref"] for d in seeded.json("draft", "list", "--state", "superseded", "--field", "Bildung")] == [
        "bildung/grundsatzpapier"
    ]


@pytest.mark.parametrize("args", [["contacts"], ["status"], ["init"], ["log"], ["draft", "show", "1"]], ids=" ".join)
def test_postgresql_without_its_driver(cli, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    """psycopg is an optional extra: without it, a PostgreSQL URL is refused with what to install."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` fails as if it were not installed
    result = cli("--db", "postgresql+psycopg://office:S3cr3t@127.0.0.1:1/lip", *args)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        "lipctl: PostgreSQL needs the psycopg driver, which is not installed"
        " — install it with: python3 -m pip install 'psycopg[binary]'\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["opinion", "list", "bildung/nothing"], "no document kind 'nothing' — valid: grundsatzpapier, massnahmenkatalog"),
        (["opinion", "list", "999"], "no draft with id 999 — list the drafts with 'lipctl draft list'"),
        (
            ["opinion", "list", "soziales/grundsatzpapier"],
            "Soziales has no Grundsatzpapier yet — submit one with 'lipctl draft submit soziales --kind grundsatzpapier'",
        ),
        (
            ["opinion", "list", "a/b/c"],
            "'a/b/c' is not a draft reference — write a numeric id or FIELD/KIND, e.g. bildung/grundsatzpapier",
        ),
        (
            ["draft", "list", "--field", "Sport"],
            "no action field 'Sport' — valid: bildung, soziales, demokratie, stadtleben-kultur, wirtschaft, stadtverwaltung-diversitaet",
        ),
        (
            ["survey", "export", "--field", "bildung", "--survey", "Nope"],
            "no survey 'Nope' — import one with 'lipctl survey import'",
        ),
        (
            ["contacts", "Sport"],
            "no action field 'Sport' — valid: bildung, soziales, demokratie, stadtleben-kultur, wirtschaft, stadtverwaltung-diversitaet",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_read_commands_refuse_unknown_references(seeded, isolated: Path, args: list[str], message: str) -> None:
    db = isolated / "lip.db"
    before = db.read_bytes()
    result = seeded(*args)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == f"lipctl: {message}\n"
    assert result.stdout == ""
    assert db.read_bytes() == before


def test_an_empty_file_is_not_initialised(cli, isolated: Path) -> None:
    (isolated / "lip.db").write_bytes(b"")
    for args in (["contacts"], ["status", "--format", "json"], ["survey", "stats"]):
        result = cli(*args)
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr == "lipctl: the database is not initialised — run 'lipctl init' first\n"
    assert (isolated / "lip.db").read_bytes() == b""


BROKEN_DRIVER = """raise ImportError(
    "no pq wrapper available.\\nAttempts made:\\n"
    "- couldn't import psycopg 'c' implementation: No module named 'psycopg_c'\\n"
    "- couldn't import psycopg 'python' implementation: /x/lib-dynload/_ssl.so: undefined symbol: _PyModule_Add"
)
"""


@pytest.mark.parametrize(
    "args",
    [["init"], ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "T"]],
    ids=lambda args: args[0],
)
def test_postgresql_with_a_driver_that_cannot_load(tmp_path: Path, args: list[str]) -> None:
    """psycopg installed but failing to load (CI met it: a libpython without the symbols its ssl module
    needs) is not "not installed": the refusal says it is installed, why it cannot load and what to check."""
    import os
    import subprocess
    import sys

    (tmp_path / "psycopg").mkdir()
    (tmp_path / "psycopg" / "__init__.py").write_text(BROKEN_DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "LIPCTL_LANG": "en", "LANG": "C.UTF-8"}
    env.pop("LIPCTL_DB", None)
    run = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "lipctl", "--db", "postgresql+psycopg://office:S3cr3t@127.0.0.1:1/lip", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stdout == ""
    assert run.stderr == (
        "lipctl: the psycopg driver is installed but cannot be loaded:"
        " couldn't import psycopg 'python' implementation: /x/lib-dynload/_ssl.so: undefined symbol: _PyModule_Add"
        " — check that this Python loads its ssl module (python3 -c 'import ssl'),"
        " or reinstall it with: python3 -m pip install --force-reinstall 'psycopg[binary]'\n"
    )
