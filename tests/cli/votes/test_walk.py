"""End to end with the real commands: from submission through the committee to the council."""

from __future__ import annotations

from lipctl.errors import ExitCode
from tests.fixtures.votes import FIELDS, KINDS


def forward(cli, ref: str) -> None:  # noqa: ANN001
    field, kind = ref.split("/")
    for args in (
        ("draft", "submit", field, "--kind", kind),
        ("opinion", "record", ref, "--from", "integrationsbeiraete", "--stance", "approve", "--text", "ok"),
        ("opinion", "record", ref, "--from", "runder-tisch", "--stance", "approve", "--text", "ok"),
        ("steering", "decide", ref, "--forward", "--reason", "ok"),
    ):
        result = cli(*args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)


TALLY = ["--yes", "9", "--no", "4", "--abstain", "1", "--present", "14", "--members", "15"]


def test_from_submission_to_the_council(seeded) -> None:  # noqa: ANN001
    cli = seeded
    # before the steering group forwards it, the committee cannot vote
    assert cli("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    early = cli("committee", "tally", "bildung/grundsatzpapier", *TALLY)
    assert early.exit_code == ExitCode.REFUSED
    assert "the steering group has not forwarded it to the committee" in early.stderr

    refs = [f"{f}/{k}" for f in FIELDS for k in KINDS]
    for ref in refs[1:]:
        forward(cli, ref)
    for ref in ("bildung/grundsatzpapier",):
        for body in ("integrationsbeiraete", "runder-tisch"):
            assert cli("opinion", "record", ref, "--from", body, "--stance", "approve", "--text", "ok").exit_code == ExitCode.OK
        assert cli("steering", "decide", ref, "--forward", "--reason", "ok").exit_code == ExitCode.OK

    # a not-quorate meeting, then the vote: v1 of bildung/massnahmenkatalog is rejected, v2 adopted
    first = cli.json(
        "committee",
        "tally",
        "bildung/grundsatzpapier",
        "--yes",
        "7",
        "--no",
        "0",
        "--abstain",
        "0",
        "--present",
        "7",
        "--members",
        "15",
    )
    assert (first["result"], first["state"]) == ("not_quorate", "forwarded")
    rejected = cli.json(
        "committee",
        "tally",
        "bildung/massnahmenkatalog",
        "--yes",
        "4",
        "--no",
        "9",
        "--abstain",
        "1",
        "--present",
        "14",
        "--members",
        "15",
    )
    assert (rejected["result"], rejected["state"]) == ("rejected", "rejected")
    forward(cli, "bildung/massnahmenkatalog")  # version 2
    plan_early = cli("draft", "submit", "plan")
    assert plan_early.exit_code == ExitCode.REFUSED
    assert "bildung (grundsatzpapier, massnahmenkatalog)" in plan_early.stderr
    for n, ref in enumerate(refs, start=42):  # a number belongs to one paper: each draft its own
        data = cli.json("committee", "tally", ref, *TALLY, "--drucksache", f"{n:04d}/2021")
        assert (data["result"], data["state"]) == ("adopted", "adopted"), ref
    assert cli.json("draft", "show", "bildung/massnahmenkatalog")["version"] == 2

    # the status shows the adopted documents
    status = cli.json("status")
    states = {(f["slug"], d["kind"]): d["state"] for f in status["fields"] for d in f["documents"]}
    assert set(states.values()) == {"adopted"} and len(states) == 12
    history = cli("draft", "history", "bildung/massnahmenkatalog")
    assert history.stdout.count("resolution.recorded") == 2

    # the complete plan, once every field is ready: the committee first, then the council
    assert cli.json("draft", "submit", "plan")["ref"] == "plan"
    forward_opinions = ("integrationsbeiraete", "runder-tisch")
    for body in forward_opinions:
        assert cli("opinion", "record", "plan", "--from", body, "--stance", "approve", "--text", "ok").exit_code == ExitCode.OK
    assert cli("steering", "decide", "plan", "--forward", "--reason", "ok").exit_code == ExitCode.OK
    assert cli.json("committee", "tally", "plan", *TALLY)["state"] == "forwarded"
    council = cli.json("council", "tally", "--yes", "40", "--no", "20", "--abstain", "3", "--present", "63", "--members", "65")
    assert (council["result"], council["body"], council["missing"], council["exception_reason"]) == ("adopted", "rat", [], None)
    assert council["state"] == "adopted"
    log = cli.json("log")
    assert [e["command"] for e in log if e["action"] == "resolution.recorded"] == ["committee tally"] * 15 + ["council tally"]
