"""lipctl log verify and db check find an audit log changed outside lipctl, on both stores (#15)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from lipctl.errors import ExitCode
from tests.helpers import engine_on


@pytest.fixture
def recorded(db_url: str, cli):
    """A seeded store with a few events of the process behind the seed's two."""
    for args in [
        ("init",),
        ("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Entwurf"),
        ("opinion", "record", "bildung/grundsatzpapier", "--from", "runder-tisch", "--stance", "amend", "--text", "gut"),
        ("opinion", "record", "bildung/grundsatzpapier", "--from", "integrationsbeiraete", "--stance", "approve", "--text", "ja"),
        ("draft", "submit", "wirtschaft", "--kind", "grundsatzpapier"),
    ]:
        result = cli(*args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
    return cli


def _ids(db_url: str) -> list[int]:
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT id FROM audit_events ORDER BY id")).scalars())
    finally:
        engine.dispose()


def tamper(db_url: str, *statements: str) -> None:
    """Change the audit log behind lipctl's back: its append-only triggers set aside for this one transaction."""
    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                triggers = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
                ).all()
                assert triggers
                for name, _sql in triggers:
                    conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            else:
                conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            for sql in statements:
                conn.execute(text(sql))
            if sqlite:
                for _name, create in triggers:
                    conn.exec_driver_sql(create)
            else:
                conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    finally:
        engine.dispose()


def _verify(cli) -> tuple[int, dict, str]:
    result = cli("log", "verify", "--format", "json")
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_an_intact_log_gives_its_count_and_head(recorded, db_url: str) -> None:
    result = recorded("log", "verify")
    assert result.exit_code == ExitCode.OK, result.stderr
    code, data, _err = _verify(recorded)
    assert code == ExitCode.OK
    assert data["ok"] is True and data["events"] == len(_ids(db_url))
    assert len(data["head"]) == 64 and data["recorded"] == {"events": data["events"], "head": data["head"]}
    assert result.stdout == f"{data['events']} events, head {data['head']}\n"
    assert recorded("log", "verify", "--head", data["head"]).exit_code == ExitCode.OK
    check = recorded("db", "check", "--format", "json")
    assert check.exit_code == ExitCode.OK, check.stderr
    assert json.loads(check.stdout)["audit_chain"] == {
        "ok": True,
        "events": data["events"],
        "head": data["head"],
        "problem": None,
        "event": None,
    }


def test_a_fresh_database_has_an_intact_chain(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    code, data, _err = _verify(cli)
    assert (code, data["ok"], data["events"]) == (ExitCode.OK, True, 2)  # schema.upgraded, seed.loaded


def _broken(cli, problem: str, event: int | None, words: str) -> None:
    code, data, err = _verify(cli)
    assert code == ExitCode.REFUSED
    assert (data["ok"], data["problem"], data["event"]) == (False, problem, event)
    assert words in err and err.startswith("lipctl: ") and len(err.splitlines()) == 1
    table = cli("log", "verify")
    assert table.exit_code == ExitCode.REFUSED and table.stdout == ""
    assert table.stderr == err
    check = cli("db", "check")
    assert check.exit_code == ExitCode.REFUSED
    assert f"lipctl: {data['message']}" in check.stderr.splitlines()


def test_changed_details_name_the_event(recorded, db_url: str) -> None:
    target = _ids(db_url)[3]
    tamper(db_url, f"UPDATE audit_events SET details = replace(details, 'gut', 'schlecht') WHERE id = {target}")
    _broken(recorded, "changed", target, f"audit event #{target} was changed outside lipctl")


def test_a_removed_middle_event_is_found(recorded, db_url: str) -> None:
    ids = _ids(db_url)
    tamper(db_url, f"DELETE FROM audit_events WHERE id = {ids[2]}")
    _broken(recorded, "removed", ids[3], f"an audit event before #{ids[3]} was removed outside lipctl")


def test_an_inserted_event_is_found(recorded, db_url: str) -> None:
    tamper(
        db_url,
        "INSERT INTO audit_events (occurred_at, actor, command, action, details)"
        " VALUES ('2021-02-01 10:00:00', 'intruder', 'psql', 'draft.submitted', '{}')",
    )
    new = _ids(db_url)[-1]
    _broken(recorded, "inserted", new, f"audit event #{new} was inserted outside lipctl")


def test_an_event_copied_into_the_chain_is_found(recorded, db_url: str) -> None:
    """A forged event that names a real predecessor (a fork): the copy of event 3 with another actor."""
    ids = _ids(db_url)
    tamper(
        db_url,
        "INSERT INTO audit_events (occurred_at, actor, command, action, entity, entity_id, details, prev_hash, hash)"
        " SELECT occurred_at, 'intruder', command, action, entity, entity_id, details, prev_hash,"
        f" '{'ab' * 32}' FROM audit_events WHERE id = {ids[2]}",
    )
    new = _ids(db_url)[-1]
    _broken(recorded, "forked", new, f"audit event #{new} was inserted outside lipctl: it follows the same event as #{ids[2]}")


def test_a_removed_last_event_is_found_through_the_head(recorded, db_url: str) -> None:
    ids = _ids(db_url)
    tamper(db_url, f"DELETE FROM audit_events WHERE id = {ids[-1]}")
    _broken(recorded, "cut_off", None, f"the audit log was cut off: it ends after {len(ids) - 1} events (#{ids[-2]})")


def test_a_cut_off_end_with_the_head_moved_too_is_found_by_the_kept_head(recorded, db_url: str) -> None:
    kept = recorded.json("log", "verify")["head"]
    ids = _ids(db_url)
    tamper(
        db_url,
        f"DELETE FROM audit_events WHERE id = {ids[-1]}",
        f"UPDATE audit_head SET events = events - 1, hash = (SELECT hash FROM audit_events WHERE id = {ids[-2]})",
    )
    assert recorded("log", "verify").exit_code == ExitCode.OK  # lipctl's own head agrees now
    result = recorded("log", "verify", "--head", kept)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: the head you kept is not in the audit log")


def test_a_head_that_is_not_a_hash_is_refused(recorded) -> None:
    result = recorded("log", "verify", "--head", "abc")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: --head 'abc' is not a head hash")


@pytest.mark.parametrize(
    "value",
    ["", "   ", "a" * 63, "a" * 65, "g" * 64, "a" * 32 + " " + "a" * 31, "0x" + "a" * 62, "é" * 64],
)
def test_a_malformed_head_is_refused_before_the_walk(recorded, value: str) -> None:
    result = recorded("log", "verify", "--head", value, "--format", "json")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stdout == ""
    assert result.stderr.startswith("lipctl: --head ") and "is not a head hash" in result.stderr
    assert "64 hexadecimal digits" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_kept_head_in_capitals_with_spaces_around_is_found(recorded) -> None:
    kept = recorded.json("log", "verify")["head"]
    assert recorded("draft", "submit", "soziales", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    result = recorded("log", "verify", "--head", f"  {kept.upper()} ")
    assert result.exit_code == ExitCode.OK, result.stderr


def test_writes_go_on_chaining_after_a_verify(recorded, db_url: str) -> None:
    before = recorded.json("log", "verify")
    assert recorded("steering", "decide", "bildung/grundsatzpapier", "--forward", "--reason", "ok").exit_code == 0
    after = recorded.json("log", "verify")
    assert after["events"] == before["events"] + 1
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            prev = conn.execute(text("SELECT prev_hash FROM audit_events ORDER BY id DESC LIMIT 1")).scalar_one()
    finally:
        engine.dispose()
    assert prev == before["head"]



def test_the_listing_still_runs_on_its_own_and_its_options_do_not_reach_verify(recorded) -> None:
    assert recorded("log").exit_code == ExitCode.OK
    assert recorded("log", "--since", "2020-01-01", "--format", "json").exit_code == ExitCode.OK
    result = recorded("log", "--format", "json", "verify")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == "lipctl: the options of 'log verify' go after it (lipctl log verify --format json)\n"
