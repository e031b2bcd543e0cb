"""Fixtures for status and report tests: a realistic LIP process state as of 2021-02-01.

The state is built through the real commands (``Process``: survey import, draft submit, opinion
record, steering decide, committee tally), each run "as of" its own date, so that the status can be
checked against a known story:

- bildung: Grundsatzpapier returned twice (v1, v2), v3 submitted 2020-12-15 with the Beiräte's
  opinion in; the Runder Tisch's statement was due 2021-01-12 (overdue). Took the survey into account.
- wirtschaft: Grundsatzpapier adopted 2020-11-20 (Drucksache 0815/2020); catalogue v1 submitted
  2021-01-20, opinions not due yet.
- soziales: Grundsatzpapier forwarded 2020-12-10; the committee was not quorate on 2021-01-21.
- demokratie: Grundsatzpapier ready for the steering group since 2021-01-05.
- stadtleben-kultur: Grundsatzpapier submitted 2020-11-01, no opinions at all (both overdue);
  Maßnahmenkatalog v1 returned 2021-01-25.
- stadtverwaltung-diversitaet: nothing submitted yet.
- 60 survey responses of one survey, spread over fields and categories.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.process.states import DecisionOutcome, Stance

D = dt.date


class Process:
    """Builds process states through the real commands, each on its own date (global --today)."""

    def __init__(self, cli, folder: Path) -> None:
        self.cli = cli
        self.folder = folder
        self.files = 0

    def run(self, on: dt.date, *args: str) -> dict:
        result = self.cli("--today", on.isoformat(), *args, "--format", "json")
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def submit(self, field: str, kind: str, on: dt.date, *, considered: str | None = None) -> int:
        extra = ("--considered-survey", considered) if considered else ()
        return self.run(on, "draft", "submit", field, "--kind", kind, *extra)["id"]

    def opinion(self, draft_id: int, body: str, on: dt.date, stance: Stance = Stance.APPROVE) -> None:
        self.run(on, "opinion", "record", str(draft_id), "--from", body, "--stance", stance.value, "--text", "Einschätzung")

    def decide(self, draft_id: int, outcome: DecisionOutcome, on: dt.date, reason: str = "reasons") -> None:
        flag = "--forward" if outcome is DecisionOutcome.FORWARD else "--return"
        self.run(on, "steering", "decide", str(draft_id), flag, "--reason", reason)

    def tally(
        self, draft_id: int, yes: int, no: int, abstain: int, present: int, members: int, on: dt.date, drucksache: str
    ) -> dict:
        return self.run(
            on,
            "committee",
            "tally",
            str(draft_id),
            "--yes",
            str(yes),
            "--no",
            str(no),
            "--abstain",
            str(abstain),
            "--present",
            str(present),
            "--members",
            str(members),
            "--drucksache",
            drucksache,
        )

    def council(self, yes: int, no: int, abstain: int, present: int, members: int, on: dt.date, drucksache: str) -> dict:
        return self.run(
            on,
            "council",
            "tally",
            "--yes",
            str(yes),
            "--no",
            str(no),
            "--abstain",
            str(abstain),
            "--present",
            str(present),
            "--members",
            str(members),
            "--drucksache",
            drucksache,
            "--without-all-fields",
            "--reason",
            "Zwischenstand beschließen",
        )

    def responses(self, survey: str, counts: dict[tuple[str, str | None], int], on: dt.date = dt.date(2020, 7, 1)) -> None:
        """Import a spreadsheet export with ``counts`` answers per (field, category) into ``survey``."""
        self.files += 1
        path = self.folder / f"export-{self.files}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "datum", "handlungsfeld", "kategorie", "antwort"])
            n = 0
            for (field, cat), k in counts.items():
                for _i in range(k):
                    n += 1
                    out.writerow([f"{self.files}-{n}", "2020-06-15 14:32:10", field, cat or "", f"Anregung {n} zu {field}"])
        self.run(on, "survey", "import", str(path), "--survey", survey, "--profile", "spreadsheet")


@pytest.fixture
def process(seeded, tmp_path: Path) -> Process:
    return Process(seeded, tmp_path)


SURVEY = "Online-Beteiligung 2020"
RESPONSES = {
    ("bildung", "idee"): 12,
    ("bildung", "wunsch"): 6,
    ("bildung", "kritik"): 4,
    ("wirtschaft", "idee"): 5,
    ("wirtschaft", "kritik"): 3,
    ("soziales", "wunsch"): 9,
    ("demokratie", "idee"): 7,
    ("demokratie", None): 2,
    ("stadtleben-kultur", "idee"): 8,
    ("stadtleben-kultur", "wunsch"): 4,
}


@pytest.fixture(scope="session")
def story_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The story built once per session in a SQLite file (some 40 commands), copied into each test's store."""
    import lipctl.context
    import lipctl.i18n
    from tests.conftest import TODAY, Cli

    folder = tmp_path_factory.mktemp("story")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "PGPASSWORD"):
            mp.delenv(var, raising=False)
        mp.setenv("LIPCTL_DB", str(folder / "story.db"))
        mp.setenv("LIPCTL_TODAY", TODAY)
        mp.setenv("LIPCTL_ACTOR", "tester")
        mp.setenv("LIPCTL_LANG", "en")
        mp.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
        lipctl.context._current = None
        cli = Cli()
        assert cli("init").exit_code == ExitCode.OK
        ids = build_story(Process(cli, folder))
        if lipctl.context._current is not None:
            lipctl.context._current.dispose()
        lipctl.context._current = None
        lipctl.i18n._translations = None
    return folder / "story.db", ids


@pytest.fixture
def story(process: Process, story_template: tuple[Path, dict[str, int]]) -> dict[str, int]:
    """The realistic state described in the module docstring, in this test's store; the draft ids by name."""
    import os
    import shutil

    db = os.environ["LIPCTL_DB"]
    if "://" in db:  # PostgreSQL: build it there, through the same commands
        return build_story(process)
    template, ids = story_template
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, db)
    return dict(ids)


def build_story(p: Process) -> dict[str, int]:
    ids: dict[str, int] = {}
    p.responses(SURVEY, RESPONSES)

    # bildung: returned twice, v3 waiting on the Runder Tisch (overdue since 2021-01-12)
    v1 = p.submit("bildung", "grundsatzpapier", D(2020, 6, 1))
    p.opinion(v1, "integrationsbeiraete", D(2020, 6, 20), Stance.AMEND)
    p.opinion(v1, "runder-tisch", D(2020, 6, 25), Stance.AMEND)
    p.decide(v1, DecisionOutcome.RETURN, D(2020, 7, 10), "Ziele zu unkonkret")
    v2 = p.submit("bildung", "grundsatzpapier", D(2020, 9, 1))
    p.opinion(v2, "runder-tisch", D(2020, 9, 15), Stance.REJECT)
    p.opinion(v2, "integrationsbeiraete", D(2020, 9, 20))
    p.decide(v2, DecisionOutcome.RETURN, D(2020, 10, 8), "Umfrageergebnisse einarbeiten")
    v3 = p.submit("bildung", "grundsatzpapier", D(2020, 12, 15), considered=SURVEY)
    p.opinion(v3, "integrationsbeiraete", D(2021, 1, 5))
    ids.update(bildung_v1=v1, bildung_v2=v2, bildung_v3=v3)

    # wirtschaft: policy paper adopted; catalogue just submitted
    w = p.submit("wirtschaft", "grundsatzpapier", D(2020, 8, 3))
    p.opinion(w, "integrationsbeiraete", D(2020, 8, 20))
    p.opinion(w, "runder-tisch", D(2020, 8, 28))
    p.decide(w, DecisionOutcome.FORWARD, D(2020, 10, 30), "zustimmungsfähig")
    assert p.tally(w, 9, 4, 1, 14, 15, D(2020, 11, 20), "0815/2020")["result"] == "adopted"
    ids["wirtschaft_gp"] = w
    ids["wirtschaft_mk"] = p.submit("wirtschaft", "massnahmenkatalog", D(2021, 1, 20))

    # soziales: forwarded, the committee was not quorate
    so = p.submit("soziales", "grundsatzpapier", D(2020, 10, 1))
    p.opinion(so, "runder-tisch", D(2020, 10, 20))
    p.opinion(so, "integrationsbeiraete", D(2020, 10, 22))
    p.decide(so, DecisionOutcome.FORWARD, D(2020, 12, 10), "zustimmungsfähig")
    assert p.tally(so, 4, 2, 1, 7, 15, D(2021, 1, 21), "0123/2021")["result"] == "not_quorate"
    ids["soziales_gp"] = so

    # demokratie: ready for the steering group
    de = p.submit("demokratie", "grundsatzpapier", D(2020, 12, 1))
    p.opinion(de, "integrationsbeiraete", D(2020, 12, 20))
    p.opinion(de, "runder-tisch", D(2021, 1, 5))
    ids["demokratie_gp"] = de

    # stadtleben-kultur: policy paper submitted, no opinion at all; catalogue returned a week ago
    ids["stadtleben_gp"] = p.submit("stadtleben-kultur", "grundsatzpapier", D(2020, 11, 1))
    mk = p.submit("stadtleben-kultur", "massnahmenkatalog", D(2020, 11, 15))
    p.opinion(mk, "integrationsbeiraete", D(2020, 12, 1), Stance.AMEND)
    p.opinion(mk, "runder-tisch", D(2020, 12, 1), Stance.AMEND)
    p.decide(mk, DecisionOutcome.RETURN, D(2021, 1, 25), "Maßnahmen ohne Zuständigkeiten")
    ids["stadtleben_mk"] = mk
    return ids
