"""The read path to PostgreSQL through libpq (lipctl.store.libpq) reads exactly what psycopg reads.

Every read command runs twice on the same populated store, once through libpq directly and once
through psycopg (LIPCTL_PG_DRIVER=psycopg), and the outputs must be identical; the read commands
import no psycopg at all; values of every type the store holds convert as psycopg converts them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.store import libpq
from tests.meta.test_imports import imported_modules, offending
from tests.stress import _harness as h

pytestmark = pytest.mark.postgres

READS = [
    ["fields"],
    ["contacts"],
    ["bodies"],
    ["status"],
    ["log"],
    ["log", "--since", "2021-01-01"],
    ["draft", "list"],
    ["draft", "show", "bildung/grundsatzpapier"],
    ["draft", "history", "bildung/grundsatzpapier"],
    ["opinion", "list", "bildung/grundsatzpapier"],
    ["survey", "list"],
    ["survey", "stats"],
    ["survey", "export", "--field", "bildung"],
]


def _use(driver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPCTL_PG_DRIVER", driver)
    monkeypatch.setattr(libpq, "_tried", False)
    monkeypatch.setattr(libpq, "_lib", None)


@pytest.fixture
def populated(pg_url: str, cli, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    steps = [
        ["init"],
        ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Bildung für alle — „Entwurf“ 100 %"],
        ["opinion", "record", "bildung/grundsatzpapier", "--from", "runder-tisch", "--stance", "amend", "--text", "50 % mehr"],
        ["survey", "import", str(h.write_survey(isolated / "a.csv", 40, prefix="a")), "--survey", "Umfrage 2020"],
        ["draft", "submit", "soziales", "--kind", "grundsatzpapier", "--title", ""],
    ]
    for args in steps:
        result = cli(*args)
        assert result.exit_code in (ExitCode.OK, ExitCode.REFUSED), (args, result.stderr)
    return pg_url


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_libpq_and_psycopg_read_the_same(populated: str, cli, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    seen = {}
    for driver in ("libpq", "psycopg"):
        _use(driver, monkeypatch)
        for fmt in ("json", "table"):
            result = cli(*args, "--format", fmt)
            assert result.exit_code == ExitCode.OK, (driver, args, result.stderr)
            seen[driver, fmt] = result.stdout
    assert libpq._lib is None  # the last round really went through psycopg
    assert seen["libpq", "json"] == seen["psycopg", "json"]
    assert seen["libpq", "table"] == seen["psycopg", "table"]
    assert json.loads(seen["libpq", "json"]) is not None


def test_values_convert_as_psycopg_converts_them(pg_url: str) -> None:
    import psycopg

    from lipctl.store.location import resolve

    url = resolve(pg_url).libpq_url
    sql = (
        "SELECT 1::int2 AS a, 70000::int4 AS b, 5000000000::int8 AS c, 1.5::float8 AS d, 12.30::numeric AS e, "
        "true AS f, false AS g, DATE '2021-02-01' AS h, TIMESTAMP '2021-02-01 10:20:30.123456' AS i, "
        "'x''y %% z'::text AS j, ''::text AS k, NULL::text AS l, '{\"k\": [1, 2]}'::jsonb AS m, 'ä'::varchar AS n, "
        "%(p)s::int AS o, %(q)s AS p, %(r)s::date AS q, %(s)s AS r, %(t)s::timestamp AS s, %(u)s::text AS t"
    )
    params = {
        "p": 5,
        "q": "text with ' and %",
        "r": dt.date(2020, 2, 29),
        "s": None,
        "t": dt.datetime(2021, 1, 2, 3, 4, 5),
        "u": True,
    }
    with psycopg.connect(url) as conn:
        expected = conn.execute(sql, params).fetchone()
    ours = libpq.connect(url)
    if ours is None:
        pytest.skip("no libpq to load")
    try:
        cur = ours.cursor()
        cur.execute(sql, params)
        got = cur.fetchall()[0]
        assert [d[0] for d in cur.description][:3] == ["a", "b", "c"]
    finally:
        ours.close()
    assert got == expected
    assert isinstance(got[4], Decimal) and isinstance(got[8], dt.datetime) and got[11] is None and got[10] == ""


def test_errors_carry_the_sqlstate(pg_url: str) -> None:
    from lipctl.store.location import resolve

    conn = libpq.connect(resolve(pg_url).libpq_url)
    if conn is None:
        pytest.skip("no libpq to load")
    try:
        conn.begin_read_only()
        with pytest.raises(libpq.Error) as caught:
            conn.cursor().execute("CREATE TABLE nope (a int)")
        assert caught.value.sqlstate == "25006"  # read_only_sql_transaction
    finally:
        conn.close()
    with pytest.raises(libpq.Error, match="connection failed: .*port 1 failed"):
        libpq.connect("postgresql://u@127.0.0.1:1/x")


@pytest.mark.slow
def test_read_commands_on_postgresql_import_no_psycopg(populated: str) -> None:
    # LIPCTL_DB points at the populated store (the fixture set it); the check runs in a fresh process
    for args in (["contacts"], ["status", "--format", "json"]):
        modules = imported_modules("-m", "lipctl", *args)
        assert "lipctl.store.libpq" in modules
        assert offending(modules, ("psycopg", "psycopg_binary", "sqlalchemy", "asyncio")) == []


def test_a_big_result_is_read_through_psycopg_on_the_same_snapshot(populated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    from lipctl.store.location import resolve
    from lipctl.store.reader import open_reader

    location = resolve(populated)
    monkeypatch.setattr(libpq, "BIG_RESULT", 10)  # every result of more than 10 cells is handed over
    with open_reader(location) as r:
        if not isinstance(r.conn, libpq.Connection):
            pytest.skip("no libpq to load")
        before = r.column("SELECT count(*) FROM survey_responses")[0]
        # another office imports meanwhile: this command's queries keep seeing one state
        with psycopg.connect(location.libpq_url, autocommit=True) as other:
            other.execute("DELETE FROM survey_responses WHERE id IN (SELECT id FROM survey_responses LIMIT 5)")
        small = r.rows("SELECT id FROM survey_responses WHERE id < :n ORDER BY id", {"n": 3})
        assert r.conn._helper is None  # not handed over: a few cells
        big = r.rows("SELECT id, response_key, submitted_at FROM survey_responses ORDER BY id")
        assert r.conn._helper is not None  # handed over
        assert len(big) == before == 40
        assert [row.id for row in small] == [row.id for row in big][: len(small)]
    with psycopg.connect(location.libpq_url) as conn:
        assert conn.execute("SELECT count(*) FROM survey_responses").fetchone() == (35,)
