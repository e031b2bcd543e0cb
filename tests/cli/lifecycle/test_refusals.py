"""Every refusal: exit code 1, one line naming what is wrong and what to do instead, and nothing stored."""

from __future__ import annotations

import os

import pytest

from lipctl.errors import ExitCode

REF = "bildung/grundsatzpapier"


@pytest.fixture
def submitted(seeded):
    """bildung/grundsatzpapier v1, no opinions yet."""
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    return seeded


def opinions(cli, ref: str = REF) -> None:
    for body in ("integrationsbeiraete", "runder-tisch"):
        result = cli("opinion", "record", ref, "--from", body, "--stance", "approve", "--text", "ok")
        assert result.exit_code == ExitCode.OK, result.stderr


def test_unknown_field_and_kind(refused) -> None:
    err = refused("draft", "submit", "Sport", "--kind", "grundsatzpapier", message="no action field 'Sport'")
    assert "valid: bildung, " in err
    refused(
        "draft",
        "submit",
        "bildung",
        "--kind",
        "roman",
        message="no document kind 'roman' — valid: grundsatzpapier, massnahmenkatalog",
    )


def test_unknown_survey_considered(refused) -> None:
    refused(
        "draft",
        "submit",
        "bildung",
        "--kind",
        "grundsatzpapier",
        "--considered-survey",
        "Umfrage 2019",
        message="no survey 'Umfrage 2019'",
    )


def test_unknown_draft_and_bad_ref(refused) -> None:
    refused(
        "draft",
        "show",
        REF,
        message="has no Grundsatzpapier yet — submit one with 'lipctl draft submit bildung --kind grundsatzpapier'",
    )
    refused("draft", "history", "99", message="no draft with id 99")
    refused(
        "opinion", "record", "99", "--from", "runder-tisch", "--stance", "approve", "--text", "x", message="no draft with id 99"
    )
    refused("steering", "decide", "a/b/c", "--forward", message="is not a draft reference")


def test_file_not_found_a_folder_and_unreadable(refused, tmp_path) -> None:
    missing = tmp_path / "nope.pdf"
    refused(
        "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(missing), message=f"file not found: {missing}"
    )
    refused("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(tmp_path), message="is a folder, not a file")
    # A file that opens but cannot be read (EIO on the first read) — works as root too.
    refused(
        "draft",
        "submit",
        "bildung",
        "--kind",
        "grundsatzpapier",
        "--file",
        "/proc/self/mem",
        message="cannot read /proc/self/mem",
    )
    assert not any(p.name.startswith(".incoming-") for p in (tmp_path / "files").glob("*")), "no half copy is left behind"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_file_without_permission(refused, tmp_path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF")
    secret.chmod(0)
    refused("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(secret), message="cannot read")


def test_unknown_body_and_a_deciding_body(submitted, refused) -> None:
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "Seniorenbeirat",
        "--stance",
        "approve",
        "--text",
        "x",
        message="no body 'Seniorenbeirat'",
    )
    err = refused(
        "opinion",
        "record",
        REF,
        "--from",
        "lenkungsgruppe",
        "--stance",
        "approve",
        "--text",
        "x",
        message="lenkungsgruppe decides on drafts; it does not give an opinion",
    )
    assert "integrationsbeiraete, runder-tisch" in err


def test_wrong_stance_and_no_text(submitted, refused, tmp_path) -> None:
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "maybe",
        "--text",
        "x",
        message="unknown stance 'maybe' — valid: approve (approval), amend (changes needed), reject (rejection)",
    )
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        message="an opinion needs its text or its document",
    )
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        "--file",
        str(tmp_path / "x.pdf"),
        message="file not found",
    )


def test_dates_in_the_future_or_before_the_submission(submitted, refused) -> None:
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        "--text",
        "x",
        "--date",
        "2021-02-02",
        message="--date 2021-02-02 is after today (2021-02-01)",
    )
    refused(
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        "--text",
        "x",
        "--date",
        "2021-01-31",
        message="--date 2021-01-31 is before bildung/grundsatzpapier v1 was submitted (2021-02-01)",
    )
    refused(
        "steering",
        "decide",
        REF,
        "--forward",
        "--without-opinions",
        "--reason",
        "x",
        "--date",
        "1.2.2021",
        message="is not a date",
    )


def test_decision_while_opinions_are_missing_names_them(submitted, refused) -> None:
    refused(
        "steering",
        "decide",
        REF,
        "--forward",
        message="bildung/grundsatzpapier v1: the opinion of integrationsbeiraete, runder-tisch is still missing — "
        "record it with 'lipctl opinion record', or decide anyway with --without-opinions --reason TEXT",
    )
    assert (
        submitted("opinion", "record", REF, "--from", "runder-tisch", "--stance", "amend", "--text", "x").exit_code == ExitCode.OK
    )
    refused(
        "steering",
        "decide",
        REF,
        "--return",
        "--reason",
        "nachbessern",
        message="the opinion of integrationsbeiraete is still missing",
    )


def test_the_exception_needs_a_reason(submitted, refused) -> None:
    refused(
        "steering",
        "decide",
        REF,
        "--forward",
        "--without-opinions",
        message="a decision without the required opinions needs a reason",
    )
    refused("steering", "decide", REF, "--forward", "--without-opinions", "--reason", "   ", message="needs a reason")


def test_returning_needs_a_reason(submitted, refused) -> None:
    opinions(submitted)
    refused(
        "steering", "decide", REF, "--return", message="returning a draft to the expert group needs a reason — add --reason TEXT"
    )


def test_forward_or_return_exactly_one(submitted, refused) -> None:
    opinions(submitted)
    refused("steering", "decide", REF, message="say what the steering group decided — pass either --forward or --return")
    refused("steering", "decide", REF, "--forward", "--return", "--reason", "x", message="pass either --forward or --return")


def test_decisions_in_the_wrong_state(submitted, refused) -> None:
    opinions(submitted)
    assert submitted("steering", "decide", REF, "--forward").exit_code == ExitCode.OK
    refused(
        "steering",
        "decide",
        REF,
        "--return",
        "--reason",
        "doch nicht",
        message="bildung/grundsatzpapier v1 was already forwarded to the committee — record the committee's vote instead",
    )
    assert submitted("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK  # v2 supersedes v1
    refused(
        "steering",
        "decide",
        "1",
        "--forward",
        message="bildung/grundsatzpapier v1 was superseded by a newer version — act on the latest version",
    )
    refused("opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--text", "x", message="v1 was superseded")
    opinions(submitted)
    assert submitted("steering", "decide", REF, "--return", "--reason", "nachbessern").exit_code == ExitCode.OK
    refused(
        "steering",
        "decide",
        REF,
        "--forward",
        message="bildung/grundsatzpapier v2 was returned to the expert group for revision — "
        "the expert group submits the next version: lipctl draft submit",
    )
    refused("opinion", "record", REF, "--from", "runder-tisch", "--stance", "approve", "--text", "x", message="v2 was returned")
    refused("committee", "tally", REF, "--yes", "9", "--no", "1", "--abstain", "0", "--present", "10", message="returned")


def test_committee_tally_on_a_draft_that_is_not_forwarded(submitted, refused) -> None:
    refused(
        "committee", "tally", REF, "--yes", "9", "--no", "1", "--abstain", "0", "--present", "10", message="has not forwarded it"
    )


def test_unknown_state_filter(refused) -> None:
    refused("draft", "list", "--state", "lost", message="unknown state 'lost' — valid: submitted, ready_for_decision")
