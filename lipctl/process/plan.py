"""The complete plan (Gesamtplan, the LIP 2.0 as a whole): its reference, its readiness, its Beratungsfolge.

The plan is a document without an action field: its versions are drafts of kind ``gesamtplan``,
named by the REF ``plan`` wherever a REF is taken. It goes through the same lifecycle as a field's
document (opinions, steering group), then to the bodies of the seed's ``decision_chain.plan`` in
order (Hannover: the Internationaler Ausschuss, who "always has the last word", then the Rat).

A version is submitted once every action field has a committee-adopted version of every document
kind (Grundsatzpapier, Maßnahmenkatalog), or as a recorded exception (``--without-all-fields
--reason``). Pure: no database, no terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _

#: The REF of the plan's latest version (draft show plan, steering decide plan, committee tally plan).
PLAN_REF = "plan"
#: The document kind of the plan's versions (no action field).
PLAN_KIND = "gesamtplan"


def is_plan_ref(ref: str) -> bool:
    """Whether a REF names the complete plan (``plan``, any case)."""
    return ref.strip().lower() == PLAN_REF


class Missing(NamedTuple):
    """An action field (Handlungsfeld) and the document kinds it has no adopted version of yet."""

    field: str
    kinds: tuple[str, ...]


def missing_fields(fields: Sequence[str], kinds: Sequence[str], adopted: Iterable[tuple[str, str]]) -> list[Missing]:
    """Per field (in order), the kinds without a committee-adopted version: what the plan still lacks."""
    done = set(adopted)
    out = []
    for field in fields:
        lacking = tuple(k for k in kinds if (field, k) not in done)
        if lacking:
            out.append(Missing(field, lacking))
    return out


def describe(missing: Sequence[Missing]) -> str:
    """``bildung (grundsatzpapier, massnahmenkatalog), wirtschaft (massnahmenkatalog)``."""
    return ", ".join("{field} ({kinds})".format(field=m.field, kinds=", ".join(m.kinds)) for m in missing)


def check_exception(without_all_fields: bool, reason: str | None) -> str | None:
    """The exception's reason (stripped) as asked for, or InvalidInput when one goes without the other."""
    reason = (reason or "").strip() or None
    if without_all_fields and reason is None:
        raise InvalidInput(
            _("--without-all-fields needs --reason TEXT"),
            _("say why the plan goes ahead before every action field is ready; the reason is recorded"),
        )
    if reason is not None and not without_all_fields:
        raise InvalidInput(
            _("--reason is only used with --without-all-fields"), _("leave out --reason, or add --without-all-fields")
        )
    return reason


def council_reasons(reason: str | None, *, without_all_fields: bool, members_override: bool) -> tuple[str | None, str | None]:
    """``council tally``'s one --reason for its two exceptions: (the plan's exception reason, checked as
    ``check_exception`` does; the members override's). With both exceptions it serves both; with
    --members-override alone it is the override's only (lipctl.process.rosters.check_members checks it)."""
    plan_reason = reason if without_all_fields or not members_override else None
    return check_exception(without_all_fields, plan_reason), reason if members_override else None


def check_submit(missing: Sequence[Missing], *, without_all_fields: bool, reason: str | None) -> str | None:
    """draft submit plan (Gesamtplan): refused while a field lacks an adopted document, naming what is
    missing, unless the exception is asked for with a reason. Returns the reason to record (None: no
    exception was needed, nothing is recorded)."""
    reason = check_exception(without_all_fields, reason)
    if not missing:
        return None
    if not without_all_fields:
        raise Refused(
            _("the plan cannot be submitted yet: no committee-adopted version of {missing}").format(missing=describe(missing)),
            _("record the committee's resolutions first, or submit anyway with --without-all-fields --reason TEXT"),
        )
    return reason


def check_final_vote(
    missing: Sequence[Missing], *, submitted_with_exception: bool, without_all_fields: bool, reason: str | None
) -> str | None:
    """The council's vote on the plan (council tally): the readiness was checked at submission; a field
    can have lost its adoption since (a voided resolution). Then the vote is refused unless the version
    was submitted as the exception or the exception is made now. Returns the reason to record."""
    reason = check_exception(without_all_fields, reason)
    if not missing or submitted_with_exception:
        return reason if missing else None
    if not without_all_fields:
        raise Refused(
            _("the plan is not ready for the council: no committee-adopted version of {missing}").format(
                missing=describe(missing)
            ),
            _("record the committee's resolutions first, or record an exception with --without-all-fields --reason TEXT"),
        )
    return reason


def no_version() -> NotFound:
    """The refusal for ``plan`` (and council tally) when no version of the plan was ever submitted."""
    return NotFound(
        _("no version of the complete plan (Gesamtplan) has been submitted"),
        _("submit it first: lipctl draft submit plan [--file PATH]"),
    )


def tallying_body(chain: Sequence[tuple[str, str]], body_kind: str, command: str) -> str:
    """The body of the plan's Beratungsfolge that ``command`` (committee tally / council tally) records:
    the first one of ``body_kind`` in the chain of (slug, kind). Refused when the chain has none."""
    for slug, kind in chain:
        if kind == body_kind:
            return slug
    order = " → ".join(slug for slug, _k in chain) or "—"
    raise Refused(
        _("no body of the plan's Beratungsfolge ({order}) is recorded with '{command}'").format(order=order, command=command),
        _("pass --body BODY, or add the body to decision_chain.plan in seed.yaml and run 'lipctl init --seed FILE'"),
    )
