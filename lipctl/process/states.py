"""The named states and choices of the process, shared by rules, store and output."""

from __future__ import annotations

from enum import StrEnum


class DraftState(StrEnum):
    """State of one draft version (Entwurfsfassung)."""

    SUBMITTED = "submitted"
    READY_FOR_DECISION = "ready_for_decision"
    RETURNED = "returned"
    FORWARDED = "forwarded"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Stance(StrEnum):
    """An opinion's verdict: Zustimmung, Änderungsbedarf, Ablehnung."""

    APPROVE = "approve"
    AMEND = "amend"
    REJECT = "reject"


class DecisionOutcome(StrEnum):
    """The steering group's decision (Lenkungsgruppe): forward or return for revision."""

    FORWARD = "forward"
    RETURN = "return"


class ResolutionResult(StrEnum):
    """Outcome of a tally (Beschluss)."""

    ADOPTED = "adopted"
    REJECTED = "rejected"
    NOT_QUORATE = "not_quorate"
    DEFERRED = "deferred"


class ContactRole(StrEnum):
    """Roles per action field: Ansprechpartner*in, interne and externe Sprecher*in."""

    CONTACT = "contact"
    INTERNAL_SPEAKER = "internal_speaker"
    EXTERNAL_SPEAKER = "external_speaker"


class MembershipRole(StrEnum):
    CHAIR = "chair"
    DEPUTY = "deputy"
    MEMBER = "member"


class DecisionScope(StrEnum):
    """What a body decides on: one document of a field, or the whole plan."""

    DOCUMENT = "document"
    PLAN = "plan"
