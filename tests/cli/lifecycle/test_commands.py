"""draft submit/list/show, opinion record/list, steering decide: what a user sees and what is stored."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat

from sqlalchemy import text

from lipctl.errors import ExitCode

REF = "bildung/grundsatzpapier"


def ok(cli, *args: str):
    result = cli(*args)
    assert result.exit_code == ExitCode.OK, result.stderr
    return result


def test_submit_with_a_file_keeps_its_hash_size_name_and_a_private_copy(seeded, engine, tmp_path) -> None:
    doc = tmp_path / "Grundsatzpapier Bildung v1.pdf"
    content = b"%PDF-1.4\n" + bytes(range(256)) * 4000
    doc.write_bytes(content)
    row = seeded.json("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(doc))
    sha = hashlib.sha256(content).hexdigest()
    assert (row["file_name"], row["file_size"], row["file_sha256"]) == (doc.name, len(content), sha)
    folder = tmp_path / "files"  # next to the SQLite file (tmp_path/lip.db)
    copy = folder / f"{sha}.pdf"
    assert copy.read_bytes() == content
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT file_name, file_size, file_sha256, file_copy FROM drafts")).one()
        assert tuple(stored) == (doc.name, len(content), sha, str(copy))
        details = json.loads(conn.execute(text("SELECT details FROM audit_events WHERE action = 'draft.submitted'")).scalar_one())
    assert details["file_sha256"] == sha and details["file_size"] == len(content)
    # The same document again: a new version, the one copy (named by its content) stays.
    row2 = seeded.json("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(doc))
    assert row2["version"] == 2 and row2["superseded"] == {"id": row["id"], "version": 1, "state_before": "submitted"}
    assert sorted(p.name for p in folder.iterdir()) == [copy.name]


def test_versions_count_per_document_and_list_filters(seeded) -> None:
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(seeded, "draft", "submit", "Stadtleben", "--kind", "massnahmenkatalog", "--title", "Katalog",
       "--without-grundsatzpapier", "--reason", "vorgezogen")  # fmt: skip
    r = ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    assert "v1 of bildung/grundsatzpapier is superseded by v2" in r.stderr
    rows = seeded.json("draft", "list")
    assert [(d["ref"], d["version"], d["state"]) for d in rows] == [
        ("bildung/grundsatzpapier", 1, "superseded"),
        ("bildung/grundsatzpapier", 2, "submitted"),
        ("stadtleben-kultur/massnahmenkatalog", 1, "submitted"),
    ]
    assert [d["version"] for d in seeded.json("draft", "list", "--field", "BILDUNG")] == [1, 2]
    assert [d["ref"] for d in seeded.json("draft", "list", "--state", "submitted")] == [
        REF,
        "stadtleben-kultur/massnahmenkatalog",
    ]
    shown = seeded.json("draft", "show", "stadtleben-kultur/massnahmenkatalog")
    assert {k: shown[k] for k in ("id", "field", "kind", "version", "state", "ref")} == {
        "id": 2,
        "field": "stadtleben-kultur",
        "kind": "massnahmenkatalog",
        "version": 1,
        "state": "submitted",
        "ref": "stadtleben-kultur/massnahmenkatalog",
    }
    table = ok(seeded, "draft", "list").stdout
    assert "superseded" in table and "Katalog" in table


def test_outstanding_and_overdue_opinions_as_of_today(seeded) -> None:
    ok(seeded, "--today", "2020-12-15", "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(
        seeded,
        "--today",
        "2021-01-05",
        "opinion",
        "record",
        REF,
        "--from",
        "integrationsbeiraete",
        "--stance",
        "amend",
        "--text",
        "x",
    )
    on_time = seeded.json("--today", "2021-01-12", "draft", "show", REF)
    assert on_time["missing_opinions"] == ["runder-tisch"] and on_time["overdue_opinions"] == []
    late = seeded.json("draft", "show", REF)  # as of 2021-02-01
    assert late["overdue_opinions"] == [{"body": "runder-tisch", "due": "2021-01-12"}]
    assert late["opinions_due"] == [
        {"body": "integrationsbeiraete", "due": "2021-01-12", "received": True, "received_on": "2021-01-05", "late": False},
        {"body": "runder-tisch", "due": "2021-01-12", "received": False, "received_on": None, "late": False},
    ]


def test_several_opinions_per_body_the_later_counts_both_stay(seeded, engine) -> None:
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(seeded, "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier")
    ok(seeded, "opinion", "record", REF, "--from", "runder-tisch", "--stance", "reject", "--text", "erste Fassung")
    r = ok(seeded, "opinion", "record", REF, "--from", "Runder Tisch", "--stance", "approve", "--text", "nach Gespräch")
    assert "still missing: integrationsbeiraete" in r.stderr
    r = ok(seeded, "opinion", "record", REF, "--from", "integrationsbeiraete", "--stance", "amend", "--text", "=1+1")
    assert "bildung/grundsatzpapier v1 is ready for the steering group's decision" in r.stderr
    ok(seeded, "opinion", "record", "wirtschaft/grundsatzpapier", "--from", "runder-tisch", "--stance", "approve", "--text", "w")
    listed = seeded.json("opinion", "list", REF)
    assert [(o["body"], o["stance"], o["text"]) for o in listed] == [
        ("runder-tisch", "reject", "erste Fassung"),
        ("runder-tisch", "approve", "nach Gespräch"),
        ("integrationsbeiraete", "amend", "=1+1"),
    ]
    assert {"id", "draft", "body", "stance", "text", "recorded_at"} <= set(listed[0])
    assert len(seeded.json("opinion", "list")) == 4
    out = ok(seeded, "opinion", "list", REF, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:6] == ["id", "draft", "ref", "version", "body", "stance"]
    assert rows[2]["text"] == "'=1+1"  # a formula-looking text is defused in CSV
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state, state_since FROM drafts WHERE id = 1")).one() == (
            "ready_for_decision",
            "2021-02-01",
        )


def test_opinion_with_a_file_records_its_hash(seeded, tmp_path) -> None:
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    doc = tmp_path / "Stellungnahme.pdf"
    doc.write_bytes(b"Stellungnahme des Runden Tisches")
    row = seeded.json("opinion", "record", REF, "--from", "runder-tisch", "--stance", "amend", "--file", str(doc))
    assert (row["file_name"], row["file_size"], row["file_sha256"], row["text"]) == (
        "Stellungnahme.pdf",
        32,
        hashlib.sha256(doc.read_bytes()).hexdigest(),
        None,
    )


def test_decision_without_opinions_is_an_explicit_recorded_exception(seeded, engine) -> None:
    ok(seeded, "--today", "2021-01-04", "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(
        seeded,
        "opinion",
        "record",
        REF,
        "--from",
        "integrationsbeiraete",
        "--stance",
        "approve",
        "--text",
        "x",
        "--date",
        "2021-01-10",
    )
    row = seeded.json(
        "steering",
        "decide",
        REF,
        "--forward",
        "--without-opinions",
        "--reason",
        "Ausschuss tagt vor der Frist",
        "--date",
        "2021-01-31",
    )
    assert (row["draft"], row["result"], row["without_opinions"], row["missing_opinions"]) == (
        1,
        "forwarded",
        True,
        ["runder-tisch"],
    )
    with engine.connect() as conn:
        dec = conn.execute(
            text("SELECT outcome, reason, without_opinions, missing_opinions, decided_on FROM steering_decisions")
        ).one()
        assert tuple(dec) == ("forward", "Ausschuss tagt vor der Frist", True, '["runder-tisch"]', "2021-01-31")
        details = json.loads(
            conn.execute(text("SELECT details FROM audit_events WHERE action = 'steering.decided'")).scalar_one()
        )
    assert details["without_opinions"] is True and details["missing_opinions"] == ["runder-tisch"]
    shown = seeded.json("draft", "show", REF)
    assert shown["decision"]["without_opinions"] is True and shown["missing_opinions"] == []
    # The late statement can still be recorded on the forwarded version.
    ok(seeded, "opinion", "record", REF, "--from", "runder-tisch", "--stance", "approve", "--text", "nachgereicht")
    history = seeded.json("draft", "history", REF)
    assert "without the opinions of runder-tisch" in history[2]["summary"]


def test_a_forwarded_version_can_be_superseded_and_the_committee_then_votes_on_nothing_old(seeded) -> None:
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(seeded, "steering", "decide", REF, "--forward", "--without-opinions", "--reason", "eilig")
    r = ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    assert "v1 of bildung/grundsatzpapier is superseded by v2" in r.stderr
    assert [d["state"] for d in seeded.json("draft", "list")] == ["superseded", "submitted"]


def test_adopted_after_a_tally_then_a_new_version_starts_over(seeded) -> None:
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    ok(seeded, "steering", "decide", REF, "--forward", "--without-opinions", "--reason", "eilig")
    tally = seeded.json(
        "committee", "tally", REF, "--yes", "10", "--no", "2", "--abstain", "1", "--present", "13", "--members", "19"
    )
    assert tally["result"] == "adopted"
    assert seeded.json("draft", "show", REF)["state"] == "adopted"
    row = seeded.json("draft", "submit", "bildung", "--kind", "grundsatzpapier")
    assert (row["version"], row["superseded"]) == (2, None)  # an adopted version is final, not superseded
    assert [d["state"] for d in seeded.json("draft", "list")] == ["adopted", "submitted"]


def test_help_texts(cli) -> None:
    for path in (
        ("draft", "submit"),
        ("draft", "list"),
        ("draft", "show"),
        ("draft", "history"),
        ("opinion", "record"),
        ("opinion", "list"),
        ("steering", "decide"),
    ):
        result = cli(*path, "--help")
        assert result.exit_code == ExitCode.OK
        assert "Usage" in result.stdout
