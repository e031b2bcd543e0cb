"""Vote arithmetic (Abstimmungsergebnis): quorum and majority under a named rule set.

Pure and exact: integers only. "More than half of n" is ``2 * k > n``, "at least two thirds of v"
is ``3 * k >= 2 * v`` — no floats and no ceil(), which is where other tools went wrong
(OpenSlides 3's simple majority ceil(n/2)+1 is one vote too many for odd n; Antragsgrün's
"half" quorum ceil(n/2) lets 21 of 42 members pass, NKomVG §65 needs 22).
The thresholds shown in the arithmetic text are derived from the same comparisons
(the smallest integer that satisfies them), never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

from lipctl.errors import InvalidInput, MissingOption, Refused
from lipctl.i18n import _, ngettext
from lipctl.process import limits
from lipctl.process.definition import MAJORITY_RULES, QUORUM_RULES, RuleSet
from lipctl.process.states import ResolutionResult

__all__ = ["Deferral", "Outcome", "Tally", "decide", "defer", "quorum_needed", "require_counts", "validate", "yes_needed"]


@dataclass(frozen=True)
class Tally:
    """Die Stimmen: yes, no, abstentions, voting members present, statutory voting members.

    ``second_convocation``: the meeting was a second convocation whose invitation said it is
    quorate regardless of attendance (NKomVG §65(2)). ``deferred``: the body postponed the item.
    """

    yes: int
    no: int
    abstain: int
    present: int
    members: int
    second_convocation: bool = False
    deferred: bool = False

    @property
    def cast(self) -> int:
        """Abgegebene Ja/Nein-Stimmen (abstentions are not votes cast)."""
        return self.yes + self.no


@dataclass(frozen=True)
class Outcome:
    """Beschlussergebnis: the result, whether the body was quorate, and the arithmetic as text."""

    result: ResolutionResult
    quorate: bool | None  # None: a deferral recorded without the number present
    arithmetic: str

    @property
    def final(self) -> bool:
        """Adopted or rejected: final for the version voted on."""
        return self.result in (ResolutionResult.ADOPTED, ResolutionResult.REJECTED)


def validate(tally: Tally) -> None:
    """Refuse numbers that cannot be (unmögliche Stimmenzahlen); InvalidInput names them."""
    for name, value in (
        ("yes", tally.yes),
        ("no", tally.no),
        ("abstain", tally.abstain),
        ("present", tally.present),
        ("members", tally.members),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(
                _("{name} must be a whole number, found {value!r}").format(name=name, value=value),
                _("give every count as a whole number"),
            )
    negative = [
        name
        for name, value in (("yes", tally.yes), ("no", tally.no), ("abstain", tally.abstain), ("present", tally.present))
        if value < 0
    ]
    if negative:
        raise InvalidInput(
            _("vote counts cannot be negative: {names}").format(names=", ".join(negative)),
            _("count again: --yes, --no, --abstain and --present are 0 or more"),
        )
    if tally.members < 1:
        raise InvalidInput(
            _("the body must have at least 1 voting member, found {members}").format(members=tally.members),
            _("give the statutory number of voting members with --members"),
        )
    if tally.present > tally.members:
        raise InvalidInput(
            _("{present} present, but the body has only {members} voting members").format(
                present=tally.present, members=tally.members
            ),
            _("present cannot exceed members; advisory members never count — check --present and --members"),
        )
    if tally.second_convocation and tally.present == 0:
        raise InvalidInput(
            _("a second convocation with nobody present decides nothing: --present is 0"),
            _("§65(2) NKomVG waives the quorum, not the members: give the number present (at least 1)"),
        )
    total = tally.yes + tally.no + tally.abstain
    if total > tally.present:
        raise InvalidInput(
            _("{yes} yes + {no} no + {abstain} abstentions = {total} votes, more than the {present} members present").format(
                yes=tally.yes, no=tally.no, abstain=tally.abstain, total=total, present=tally.present
            ),
            _("count again: every vote comes from a member present (members who did not vote are simply not counted)"),
        )


def quorum_needed(members: int) -> int:
    """Beschlussfähigkeit: the fewest present that are more than half of ``members``."""
    # the smallest p with 2 * p > members
    return members // 2 + 1


def yes_needed(rule: str, tally: Tally) -> int:
    """The fewest yes votes that carry the motion under ``rule``, given the other counts."""
    if rule == "more_yes_than_no":
        return tally.no + 1
    if rule == "two_thirds_of_votes_cast":
        # smallest y with 3y >= 2(y + no)  <=>  y >= 2 * no; and at least one yes vote
        return max(2 * tally.no, 1)
    if rule == "two_thirds_of_present":
        # smallest y with 3y >= 2 * present; and at least one yes vote
        return max(-(-2 * tally.present // 3), 1)
    if rule == "more_than_half_of_members":
        return tally.members // 2 + 1
    raise ValueError(rule)


def _is_quorate(tally: Tally, rules: RuleSet) -> bool:
    if rules.quorum == "none":
        return True
    if tally.second_convocation and rules.second_convocation_quorate:
        return True
    # more_than_half_of_members
    return 2 * tally.present > tally.members


def _passes(tally: Tally, rule: str) -> bool:
    if rule == "more_yes_than_no":
        return tally.yes > tally.no  # a tie is rejected; 0:0 is not "more"
    if rule == "two_thirds_of_votes_cast":
        return tally.cast > 0 and 3 * tally.yes >= 2 * tally.cast
    if rule == "two_thirds_of_present":
        return tally.yes > 0 and 3 * tally.yes >= 2 * tally.present
    if rule == "more_than_half_of_members":
        return 2 * tally.yes > tally.members
    raise ValueError(rule)


def _votes_text(tally: Tally, rule: str) -> str:
    abstentions = ngettext("{n} abstention not counted", "{n} abstentions not counted", tally.abstain).format(n=tally.abstain)
    if rule == "more_yes_than_no":
        return _("{yes} yes of {cast} yes/no votes; {abstentions}").format(
            yes=tally.yes, cast=tally.cast, abstentions=abstentions
        )
    if rule == "two_thirds_of_votes_cast":
        return _("{yes} yes of {cast} yes/no votes, two thirds needs {needed}; {abstentions}").format(
            yes=tally.yes, cast=tally.cast, needed=yes_needed(rule, tally), abstentions=abstentions
        )
    against = ngettext(
        "{no} no and {n} abstention count against", "{no} no and {n} abstentions count against", tally.abstain
    ).format(no=tally.no, n=tally.abstain)
    if rule == "two_thirds_of_present":
        return _("{yes} yes of {present} present, two thirds needs {needed}; {against}").format(
            yes=tally.yes, present=tally.present, needed=yes_needed(rule, tally), against=against
        )
    return _("{yes} yes of {members} members, more than half needs {needed}; {against}").format(
        yes=tally.yes, members=tally.members, needed=yes_needed(rule, tally), against=against
    )


def _quorum_text(tally: Tally, rules: RuleSet) -> str:
    if rules.quorum == "none":
        return _("no quorum rule, {present} present").format(present=tally.present)
    if tally.second_convocation and rules.second_convocation_quorate:
        return _("second convocation: quorate regardless of attendance, {present} of {members} present").format(
            present=tally.present, members=tally.members
        )
    return _("quorum {needed} of {members}, {present} present").format(
        needed=quorum_needed(tally.members), members=tally.members, present=tally.present
    )


def _verdict_text(tally: Tally, rule: str, adopted: bool) -> str:
    if rule == "more_yes_than_no":
        if adopted:
            return _("more yes than no: adopted")
        if tally.cast == 0:
            return _("no yes or no votes: rejected")
        if tally.yes == tally.no:
            return _("a tie: rejected")
        return _("fewer yes than no: rejected")
    if rule in ("two_thirds_of_votes_cast", "two_thirds_of_present"):
        return _("two thirds reached: adopted") if adopted else _("two thirds not reached: rejected")
    return _("more than half of all members: adopted") if adopted else _("not more than half of all members: rejected")


def decide(tally: Tally, rules: RuleSet) -> Outcome:
    """Das Abstimmungsergebnis: quorum first, then the majority rule, with the arithmetic as text."""
    if rules.quorum not in QUORUM_RULES:
        raise ValueError(f"unknown quorum rule {rules.quorum!r}")
    if rules.majority not in MAJORITY_RULES:
        raise ValueError(f"unknown majority rule {rules.majority!r}")
    if tally.deferred:
        return defer(Deferral(tally.members, tally.yes, tally.no, tally.abstain, tally.present, tally.second_convocation), rules)
    validate(tally)
    quorate = _is_quorate(tally, rules)
    parts = [_votes_text(tally, rules.majority), _quorum_text(tally, rules)]
    if not quorate:
        parts.append(_("not quorate: no resolution"))
        result = ResolutionResult.NOT_QUORATE
    else:
        adopted = _passes(tally, rules.majority)
        parts.append(_verdict_text(tally, rules.majority, adopted))
        result = ResolutionResult.ADOPTED if adopted else ResolutionResult.REJECTED
    return Outcome(result=result, quorate=quorate, arithmetic="; ".join(parts))


# --- deferral (Vertagung) -------------------------------------------------------------------------

#: The counts a vote on the item needs, as the options that give them.
COUNT_OPTIONS = ("yes", "no", "abstain", "present")


def require_counts(**counts: int | None) -> None:
    """A vote on the item needs every count: a missing one is a usage error (exit 2), as Click's own."""
    missing = [f"--{name}" for name in COUNT_OPTIONS if name in counts and counts[name] is None]
    if missing:
        raise MissingOption(
            ngettext("missing option {options}", "missing options {options}", len(missing)).format(options=", ".join(missing)),
            _("give --yes, --no, --abstain and --present, or record a postponement with --defer"),
        )


def check_given(*, defer: bool, **counts: int | None) -> None:
    """The counts as typed: each one given fits what lipctl stores (limits.check_count: impossible
    combinations are ``validate``'s to refuse); a vote needs every count, a deferral (--defer) none."""
    for name, value in counts.items():
        if value is not None:
            limits.check_count(value, f"--{name}")
    if not defer:
        require_counts(**counts)


@dataclass(frozen=True)
class Deferral:
    """Vertagung: the body postponed the item, a procedural decision without a vote on it.

    The counts are optional; those given are recorded and must be possible. ``present`` given
    shows whether the body was quorate: one that was not cannot decide a postponement (the item
    is then ``not_quorate``, which opens the second convocation of §65(2) NKomVG).
    """

    members: int
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    present: int | None = None
    second_convocation: bool = False


def defer(deferral: Deferral, rules: RuleSet) -> Outcome:
    """The result of a postponement: ``deferred``, quorate as far as the number present tells."""
    given = {name: getattr(deferral, name) for name in COUNT_OPTIONS if getattr(deferral, name) is not None}
    if len(given) == len(COUNT_OPTIONS):
        tally = Tally(
            deferral.yes or 0,
            deferral.no or 0,
            deferral.abstain or 0,
            deferral.present or 0,
            deferral.members,
            deferral.second_convocation,
        )
    else:  # the counts that were given, checked as far as they go
        present = deferral.present if deferral.present is not None else deferral.members
        votes = {k: v for k, v in given.items() if k != "present"}
        tally = Tally(votes.get("yes", 0), votes.get("no", 0), votes.get("abstain", 0), present, deferral.members)
    validate(tally)
    if deferral.present is None:
        return Outcome(
            ResolutionResult.DEFERRED,
            None,
            _("deferred: the body postponed its decision (a procedural decision, no vote counts)"),
        )
    quorate = _is_quorate(tally, rules)
    if not quorate:
        raise Refused(
            _("{present} of {members} members present is not quorate: a body without quorum cannot postpone an item").format(
                present=deferral.present, members=deferral.members
            ),
            _("record the vote without --defer (it is not_quorate, which opens a second convocation), or leave out --present"),
        )
    parts = [_votes_text(tally, rules.majority)] if len(given) == len(COUNT_OPTIONS) else []
    parts += [_quorum_text(tally, rules), _("deferred: the body postponed its decision")]
    return Outcome(ResolutionResult.DEFERRED, True, "; ".join(parts))
