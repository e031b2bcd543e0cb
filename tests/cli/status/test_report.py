"""lipctl report: the committee briefing as a self-contained HTML file or Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lipctl import __version__
from lipctl.errors import ExitCode


def test_html_briefing_is_self_contained_and_complete(seeded, story, tmp_path: Path) -> None:
    out = tmp_path / "briefing.html"
    result = seeded("report", "--output", str(out))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == "" and result.stderr == ""  # silent for cron; a terminal is told where the file went
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    # Nothing leaves the file: no scripts, no links to the network, no external stylesheets or fonts.
    assert "<script" not in html.lower()
    assert not re.search(r"(?:src|href)\s*=", html, re.IGNORECASE)
    assert "url(" not in html and "@import" not in html and "http://" not in html and "https://" not in html
    assert "@page { size: A4;" in html
    # Progress: one pipeline picture per document (6 fields × 2 kinds), and the stories told.
    assert html.count('<svg class="pipe"') == 12
    assert html.count('class="stage done"') == 14 and html.count('class="stage current"') == 5
    assert html.count('class="stage returned"') == 1 and html.count('class="stage todo"') == 28
    assert "returned 2 times" in html
    assert "last vote: not quorate (2021-01-21)" in html
    # Decisions with their arithmetic and Drucksache.
    assert "yes 9 · no 4 · abstentions 1 · present 14 of 15" in html
    assert "Drucksache 0815/2020" in html
    assert "9 yes of 13 yes/no votes; 1 abstention not counted; quorum 8 of 15, 14 present; more yes than no: adopted" in html
    assert "quorum 8 of 15, 7 present; not quorate: no resolution" in html
    assert "Umfrageergebnisse einarbeiten" in html
    # Overdue items, survey bar charts, drafts that considered the survey, contacts.
    assert "Opinion of Round table for equality and against racism on Policy paper v3" in html
    assert html.count('<svg class="bars"') == 2
    assert ">22</text>" in html and ">32</text>" in html  # Bildung's responses, ideas
    assert "Online-Beteiligung 2020" in html
    assert "Helga Diers" in html and "vacant (N.n.)" in html


def test_since_limits_the_decisions(seeded, story, tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    assert seeded("report", "--output", str(out), "--since", "2020-12-01").exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    section = text.split("## Decisions since 2020-12-01", 1)[1].split("\n## ", 1)[0]
    assert "Social affairs: Policy paper v1 | forwarded" in section
    assert "not quorate" in section and "0123/2021" in section
    assert "Ziele zu unkonkret" not in section and "0815/2020" not in section


def test_markdown_briefing(seeded, story, tmp_path: Path) -> None:
    out = tmp_path / "briefing.md"
    assert seeded("report", "-o", str(out)).exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    assert first == f"<!-- generator: lipctl {__version__} (lipctl report) -->"  # how the next run knows its own file
    assert rest.startswith("# Lokaler Integrationsplan 2.0\n")
    assert (
        "| Education | Policy paper | ✓●○○ | v3 submitted, 48 days, returned 2 times | Round table for equality and against racism |"
        in text
    )
    assert "| Economy | Policy paper | ✓✓✓✓ | v1 adopted, 73 days | — |" in text
    assert (
        "|  | Catalogue of goals and measures | ✓✓↺○ | v1 returned, 7 days, returned once | Expert group City life and culture |"
        in text
    )
    assert "| Strategic policy papers | bis Herbst 2020 | 1 of 6 fields | open |" in text  # the seed gives no day
    assert "| Idea | 32 |" in text and "| no category | 2 |" in text
    assert "- Education: Policy paper v3 (submitted) — Online-Beteiligung 2020" in text
    assert (
        "| City administration and diversity | Dr. Günter Max Behrendt | Helga Diers (Fachbereich Personal und Organisation) | vacant (N.n.) |"
        in text
    )


def test_german_briefing_uses_german_names_and_dates(seeded, story, tmp_path: Path) -> None:
    out = tmp_path / "bericht.html"
    assert seeded("--lang", "de", "report", "--output", str(out)).exit_code == ExitCode.OK
    html = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "Stadtverwaltung und Diversität" in html and "Grundsatzpapier" in html and "Lenkungsgruppe" in html
    assert "01.02.2021" in html and "2021-02-01" not in html
    assert "<td>bis Herbst 2020</td>" in html  # the seed's words where it gives no day


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("briefing.pdf", "unknown file type '.pdf' — name the file with one of .html, .htm, .md, .markdown, or give -"),
        ("briefing", "unknown file type '' — name the file with one of .html, .htm, .md, .markdown, or give - for"),
        ("missing/briefing.html", "does not exist — create it first, or choose another path"),
    ],
)
def test_refused_outputs_write_nothing(seeded, tmp_path: Path, name: str, message: str) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = seeded("report", "--output", str(tmp_path / name))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_folder_as_output_is_refused(seeded, tmp_path: Path) -> None:
    folder = tmp_path / "out.html"
    folder.mkdir()
    result = seeded("report", "--output", str(folder))
    assert result.exit_code == ExitCode.REFUSED
    assert f"lipctl: --output: {folder} is a folder — name a file inside it" in result.stderr


def test_a_folder_without_a_suffix_is_refused_as_a_folder(seeded, tmp_path: Path) -> None:
    result = seeded("report", "--output", str(tmp_path))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == f"lipctl: --output: {tmp_path} is a folder — name a file inside it, e.g. {tmp_path}/briefing.html\n"
    assert "unknown file type" not in result.stderr


def test_output_dash_writes_markdown_to_stdout(seeded, story, tmp_path: Path) -> None:
    to_file = tmp_path / "briefing.md"
    assert seeded("report", "--output", str(to_file)).exit_code == ExitCode.OK
    result = seeded("report", "--output", "-")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == to_file.read_text(encoding="utf-8")
    assert "# Lokaler Integrationsplan 2.0\n" in result.stdout
    assert result.stderr == ""
    assert not (tmp_path / "-").exists()


def test_bad_since_is_refused(seeded, tmp_path: Path) -> None:
    result = seeded("report", "--output", str(tmp_path / "b.html"), "--since", "last week")
    assert result.exit_code == ExitCode.REFUSED
    assert "--since 'last week' is not a date — write it as YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "b.html").exists()


def test_empty_store_renders(seeded, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    assert seeded("--today", "2020-06-01", "report", "--output", str(out)).exit_code == ExitCode.OK
    html = out.read_text(encoding="utf-8")
    assert "Nothing is overdue." in html and "No decisions in this period." in html
    assert "No draft has recorded a survey it took into account yet." in html


def test_briefing_reads_in_one_transaction_without_a_unit_of_work(
    db_url: str, seeded, story, process, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read transaction on the driver's connection (status, decisions, surveys, contacts), on both stores."""
    import datetime as dt

    import lipctl.context

    process.council(20, 3, 1, 30, 60, dt.date(2021, 1, 28), "0001/2021")  # a resolution on the plan (no draft)
    opened: list[str] = []
    real_reader = lipctl.context.AppContext.reader

    def reader(self):
        opened.append("reader")
        return real_reader(self)

    def no_uow(self, **_kw):
        raise AssertionError("the briefing only reads: no unit of work")

    monkeypatch.setattr(lipctl.context.AppContext, "reader", reader)
    monkeypatch.setattr(lipctl.context.AppContext, "uow", no_uow)
    out = tmp_path / "b.md"
    result = seeded("report", "--output", str(out), "--since", "2020-11-20")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert opened == ["reader"]
    text = out.read_text(encoding="utf-8")
    section = text.split("## Decisions since 2020-11-20", 1)[1].split("\n## ", 1)[0]
    assert "0815/2020" in section and "0123/2021" in section and "0001/2021" in section  # 0815/2020: on the day given
    assert "Umfrageergebnisse einarbeiten" not in section  # 2020-10-08: before --since
    assert "Helga Diers" in text and "| Idea | 32 |" in text and "| no category | 2 |" in text


@pytest.mark.parametrize("name", ["briefing.html", "briefing.md"])
def test_cron_rerun_with_force_rewrites_its_own_briefing(db_url: str, seeded, tmp_path: Path, name: str) -> None:
    """A cron line with --force, run again a month later: the briefing is replaced in place, silently
    (cron mails any output), with no temporary file left beside it (both stores)."""
    out = tmp_path / name
    first = seeded("--today", "2021-02-01", "report", "--output", str(out), "--force")
    assert first.exit_code == ExitCode.OK, first.stderr
    before = out.read_text(encoding="utf-8")
    again = seeded("--today", "2021-03-01", "report", "--output", str(out), "--force")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert again.stdout == "" and again.stderr == ""
    after = out.read_text(encoding="utf-8")
    assert after != before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".lipctl-")) == []


def test_the_briefing_shows_moved_milestones_beside_their_original_and_met_late(seeded, process, story, tmp_path: Path) -> None:
    import datetime as dt

    from tests.cli.status.test_status import dated

    dated(seeded)
    out = tmp_path / "briefing.md"
    assert seeded("report", "-o", str(out)).exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    assert "| Strategic policy papers | 2020-11-30 (originally bis Herbst 2020) | 1 of 6 fields | **overdue** |" in text
    # The council adopts the plan a week after its (moved) day: met late.
    assert process.council(40, 20, 2, 62, 65, dt.date(2021, 5, 7), "1234/2021")["result"] == "adopted"
    assert seeded("--today", "2021-05-10", "report", "-o", str(out), "--force").exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    council = "| Council resolution on the LIP 2.0 | 2021-04-30 (originally Ergebnis nach April 2021 dem Rat zum Beschluss) |"
    assert council + " yes | met late |" in text
    html = tmp_path / "briefing.html"
    assert seeded("--today", "2021-05-10", "report", "-o", str(html)).exit_code == ExitCode.OK
    assert "met late" in html.read_text(encoding="utf-8")
