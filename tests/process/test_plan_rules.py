"""The pure rules of the complete plan (Gesamtplan): its REF, the fields' readiness, its Beratungsfolge."""

from __future__ import annotations

import pytest

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.process import lifecycle
from lipctl.process import plan as p
from lipctl.process.states import DraftState, ResolutionResult

FIELDS = ["bildung", "soziales"]
KINDS = ["grundsatzpapier", "massnahmenkatalog"]
ALL = {(f, k) for f in FIELDS for k in KINDS}
CHAIN = [("internationaler-ausschuss", "committee"), ("rat", "council")]


@pytest.mark.parametrize("ref", ["plan", "PLAN", " Plan "])
def test_plan_ref(ref: str) -> None:
    assert p.is_plan_ref(ref)


@pytest.mark.parametrize("ref", ["bildung/grundsatzpapier", "12", "plans", "gesamtplan", ""])
def test_other_refs_are_not_the_plan(ref: str) -> None:
    assert not p.is_plan_ref(ref)


def test_missing_fields_in_the_fields_and_kinds_order() -> None:
    assert p.missing_fields(FIELDS, KINDS, ALL) == []
    got = p.missing_fields(FIELDS, KINDS, {("bildung", "grundsatzpapier"), ("soziales", "massnahmenkatalog")})
    assert got == [p.Missing("bildung", ("massnahmenkatalog",)), p.Missing("soziales", ("grundsatzpapier",))]
    assert p.describe(got) == "bildung (massnahmenkatalog), soziales (grundsatzpapier)"
    assert p.missing_fields(FIELDS, KINDS, set()) == [p.Missing(f, tuple(KINDS)) for f in FIELDS]


def test_submit_with_every_field_ready_needs_no_exception() -> None:
    assert p.check_submit([], without_all_fields=False, reason=None) is None
    # the exception asked for where none is needed: nothing to record
    assert p.check_submit([], without_all_fields=True, reason="Eilig") is None


def test_submit_before_every_field_is_ready_is_refused_naming_what_is_missing() -> None:
    missing = p.missing_fields(FIELDS, KINDS, ALL - {("soziales", "massnahmenkatalog")})
    with pytest.raises(Refused) as err:
        p.check_submit(missing, without_all_fields=False, reason=None)
    assert "soziales (massnahmenkatalog)" in err.value.message
    assert "--without-all-fields --reason" in (err.value.hint or "")


def test_submit_as_the_exception_gives_its_reason() -> None:
    missing = [p.Missing("soziales", ("massnahmenkatalog",))]
    assert p.check_submit(missing, without_all_fields=True, reason="  Haushalt  ") == "Haushalt"


@pytest.mark.parametrize(
    ("without", "reason", "message"),
    [
        (True, None, "--without-all-fields needs --reason TEXT"),
        (True, "   ", "--without-all-fields needs --reason TEXT"),
        (False, "Eilig", "--reason is only used with --without-all-fields"),
    ],
)
def test_the_exception_and_its_reason_go_together(without: bool, reason: str | None, message: str) -> None:
    for check in (p.check_submit, p.check_final_vote):
        kwargs = {"submitted_with_exception": False} if check is p.check_final_vote else {}
        with pytest.raises(InvalidInput, match=message):
            check([], without_all_fields=without, reason=reason, **kwargs)  # type: ignore[operator]


def test_the_council_vote_checks_the_fields_again() -> None:
    missing = [p.Missing("bildung", ("grundsatzpapier",))]
    # every field ready: nothing recorded, with or without the (old scripts') option
    assert p.check_final_vote([], submitted_with_exception=False, without_all_fields=False, reason=None) is None
    assert p.check_final_vote([], submitted_with_exception=False, without_all_fields=True, reason="x") is None
    # a field lost its adoption after a regular submission: refused without the exception
    with pytest.raises(Refused, match="bildung \\(grundsatzpapier\\)"):
        p.check_final_vote(missing, submitted_with_exception=False, without_all_fields=False, reason=None)
    assert p.check_final_vote(missing, submitted_with_exception=False, without_all_fields=True, reason="x") == "x"
    # the version was submitted as the exception: the vote needs none again
    assert p.check_final_vote(missing, submitted_with_exception=True, without_all_fields=False, reason=None) is None


def test_no_version_names_what_to_do() -> None:
    err = p.no_version()
    assert isinstance(err, NotFound)
    assert "lipctl draft submit plan" in (err.hint or "")


def test_the_tallying_body_is_the_chains_body_of_that_kind() -> None:
    assert p.tallying_body(CHAIN, "committee", "committee tally") == "internationaler-ausschuss"
    assert p.tallying_body(CHAIN, "council", "council tally") == "rat"
    with pytest.raises(Refused, match="internationaler-ausschuss → rat"):
        p.tallying_body(CHAIN, "steering_group", "steering decide")
    with pytest.raises(Refused):
        p.tallying_body([], "council", "council tally")


def test_the_plans_beratungsfolge_committee_then_council() -> None:
    chain = [slug for slug, _kind in CHAIN]
    # the council before the committee adopted: refused, naming the committee
    with pytest.raises(Refused) as err:
        lifecycle.deciding_body(chain, set(), scope="plan", requested="rat")
    assert "internationaler-ausschuss" in err.value.message
    # the committee adopts: not the last body, the plan stays forwarded
    body, last = lifecycle.deciding_body(chain, set(), scope="plan", requested="internationaler-ausschuss")
    assert (body, last) == ("internationaler-ausschuss", False)
    event = lifecycle.tally_event(ResolutionResult.ADOPTED, final=True, last=last)
    assert lifecycle.apply(DraftState.FORWARDED, event) == DraftState.FORWARDED
    # then the council: the last word on the version
    body, last = lifecycle.deciding_body(chain, {"internationaler-ausschuss"}, scope="plan", requested="rat")
    assert (body, last) == ("rat", True)
    event = lifecycle.tally_event(ResolutionResult.ADOPTED, final=True, last=last)
    assert lifecycle.apply(DraftState.FORWARDED, event) == DraftState.ADOPTED
    # the committee again after it adopted: refused, naming the council next
    with pytest.raises(Refused, match=r"next in the Beratungsfolge .*: rat"):
        lifecycle.deciding_body(chain, {"internationaler-ausschuss"}, scope="plan", requested="internationaler-ausschuss")
    # a rejection by the committee settles the version
    assert lifecycle.tally_event(ResolutionResult.REJECTED, final=True, last=False) == "rejected"


def test_the_councils_one_reason_serves_the_exception_it_is_given_with() -> None:
    assert p.council_reasons(" weil ", without_all_fields=True, members_override=False) == ("weil", None)
    assert p.council_reasons("weil", without_all_fields=False, members_override=True) == (None, "weil")
    assert p.council_reasons("weil", without_all_fields=True, members_override=True) == ("weil", "weil")
    assert p.council_reasons(None, without_all_fields=False, members_override=False) == (None, None)
    with pytest.raises(InvalidInput, match="--reason is only used with --without-all-fields"):
        p.council_reasons("weil", without_all_fields=False, members_override=False)
    with pytest.raises(InvalidInput, match="--without-all-fields needs --reason TEXT"):
        p.council_reasons(None, without_all_fields=True, members_override=False)
