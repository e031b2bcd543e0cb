"""committee list, council list (issue 19): the resolutions, with result, arithmetic, Drucksache, date, session."""

from __future__ import annotations

import json
from collections.abc import Callable

from lipctl.errors import ExitCode
from lipctl.process.states import DraftState

TALLY = ["--members", "15", "--date", "2021-01-20"]


def test_committee_list_gives_every_resolution_oldest_first(db_url: str, seeded, make_draft: Callable[..., int]) -> None:
    make_draft()
    make_draft(field="soziales")
    assert seeded("committee", "tally", "bildung/grundsatzpapier", "--yes", "3", "--no", "1", "--abstain", "0",
                  "--present", "4", *TALLY, "--drucksache", "0001/2021").exit_code == ExitCode.OK  # fmt: skip
    assert seeded("committee", "tally", "soziales/grundsatzpapier", "--yes", "9", "--no", "2", "--abstain", "1",
                  "--present", "12", *TALLY).exit_code == ExitCode.OK  # fmt: skip
    assert seeded("committee", "tally", "bildung/grundsatzpapier", "--defer", "--members", "15", "--date", "2021-01-28").exit_code == 0
    listed = seeded.json("committee", "list")
    assert [(r["id"], r["date"], r["ref"], r["result"], r["drucksache"], r["meeting"]) for r in listed] == [
        (1, "2021-01-20", "bildung/grundsatzpapier", "not_quorate", "0001/2021", 1),
        (2, "2021-01-20", "soziales/grundsatzpapier", "adopted", None, 1),
        (3, "2021-01-28", "bildung/grundsatzpapier", "deferred", None, 2),
    ]
    assert (listed[1]["yes"], listed[1]["no"], listed[1]["abstain"], listed[1]["present"]) == (9, 2, 1, 12)
    assert listed[1]["arithmetic"].startswith("9 yes of 11 yes/no votes")
    assert listed[2]["yes"] is None  # a deferral needs no counts
    assert [r["id"] for r in seeded.json("committee", "list", "--since", "2021-01-21")] == [3]
    assert seeded.json("council", "list") == []

    # A voided resolution drops out, and comes back marked with --include-voided.
    assert seeded("committee", "void", "2", "--reason", "falsch erfasst").exit_code == ExitCode.OK
    assert [r["id"] for r in seeded.json("committee", "list")] == [1, 3]
    marked = {r["id"]: r["voided"] for r in seeded.json("committee", "list", "--include-voided")}
    assert marked[1] is None and marked[2]["reason"] == "falsch erfasst"


def test_the_table_speaks_the_interface_language_and_csv_keeps_the_codes(seeded, make_draft: Callable[..., int]) -> None:
    make_draft()
    seeded("committee", "tally", "bildung/grundsatzpapier", "--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", *TALLY)
    english = seeded("committee", "list")
    assert english.exit_code == ExitCode.OK and "not quorate" in english.stdout and "not_quorate" not in english.stdout
    german = seeded("--lang", "de", "committee", "list")
    assert "nicht beschlussfähig" in german.stdout and "20.01.2021" in german.stdout
    csv = seeded("--lang", "de", "committee", "list", "--format", "csv")
    assert "not_quorate" in csv.stdout


def test_council_list_shows_the_plan(seeded, make_draft: Callable[..., int]) -> None:
    from tests.cli.votes.test_tally_cli import FIELDS, KINDS, plan_at_the_council

    for field in FIELDS:
        for kind in KINDS:
            make_draft(field=field, kind=kind, state=DraftState.ADOPTED)
    plan_at_the_council(seeded)
    assert seeded("council", "tally", "--yes", "40", "--no", "20", "--abstain", "3", "--present", "63",
                  "--members", "65").exit_code == ExitCode.OK  # fmt: skip
    [council] = seeded.json("council", "list")
    assert (council["ref"], council["version"], council["body"], council["result"]) == ("plan", 1, "rat", "adopted")
    assert [r["ref"] for r in seeded.json("committee", "list")] == ["plan"]


def test_a_bad_since_is_refused(seeded) -> None:
    result = seeded("committee", "list", "--since", "gestern")
    assert result.exit_code != ExitCode.OK
    assert "--since 'gestern' is not a date" in result.stderr
    assert json.loads(seeded("committee", "list", "--format", "json").stdout) == []
