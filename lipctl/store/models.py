"""The tables of the LIP process, as typed SQLAlchemy models.

Migrations in lipctl/store/migrations are the only source of the schema; these models must
match them (tests/store/test_migrations.py runs Alembic's drift check). Times are stored as
naive UTC; dates "as of" (submitted_on, decided_on) are calendar dates.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lipctl.process.states import (
    ContactRole,
    DecisionOutcome,
    DecisionScope,
    DraftState,
    MembershipRole,
    ResolutionResult,
    Stance,
)
from lipctl.store.types import Actor, IntPK, LongText, Name, OptName, Slug, Timestamp, fk

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[StrEnum]) -> Enum:
    # Stored by value as VARCHAR (no native ENUM type): adding a state is a data change,
    # not a type migration, on both SQLite and PostgreSQL.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(timezone=False),
        dt.date: Date,
        DraftState: _enum(DraftState),
        Stance: _enum(Stance),
        DecisionOutcome: _enum(DecisionOutcome),
        ResolutionResult: _enum(ResolutionResult),
        ContactRole: _enum(ContactRole),
        MembershipRole: _enum(MembershipRole),
        DecisionScope: _enum(DecisionScope),
    }


# --- the process definition (from seed.yaml) ---------------------------------------------


class ProcessInfo(Base):
    """Facts about the process as a whole (name, city, founding Drucksache), key → value."""

    __tablename__ = "process_info"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class DocumentKind(Base):
    """Dokumentart: Grundsatzpapier, Ziel- und Maßnahmenkatalog."""

    __tablename__ = "document_kinds"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    name_en: Mapped[OptName]
    aliases: Mapped[str | None] = mapped_column(Text)  # newline-separated
    position: Mapped[int] = mapped_column(Integer, default=0)
    based_on: Mapped[str | None] = mapped_column(String(80))  # the kind's slug it is written on the basis of


class ActionField(Base):
    """Handlungsfeld."""

    __tablename__ = "action_fields"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    name_en: Mapped[OptName]
    position: Mapped[int] = mapped_column(Integer, default=0)


class FieldAlias(Base):
    """Another name for an action field ("Stadtleben" for "Stadtleben und Kultur")."""

    __tablename__ = "field_aliases"
    id: Mapped[IntPK]
    field_id: Mapped[int] = fk("action_fields.id")
    alias: Mapped[str] = mapped_column(String(200), nullable=False)
    __table_args__ = (UniqueConstraint("field_id", "alias"),)


class Person(Base):
    """Person."""

    __tablename__ = "people"
    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class FieldContact(Base):
    """A role per action field: Ansprechpartner*in, interne/externe Sprecher*in.

    ``person_id`` is NULL for a vacant post ("N.n.").
    """

    __tablename__ = "field_contacts"
    id: Mapped[IntPK]
    field_id: Mapped[int] = fk("action_fields.id")
    role: Mapped[ContactRole]
    person_id: Mapped[int | None] = fk("people.id", nullable=True)
    unit: Mapped[OptName]
    title: Mapped[OptName]
    # issue 18 (revision 0009, helper "contacts"): the contact's (Ansprechpartner*in's) address and phone.
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (UniqueConstraint("field_id", "role"),)


class RuleSet(Base):
    """Abstimmungsregeln: a named quorum and majority rule."""

    __tablename__ = "rule_sets"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    quorum: Mapped[str] = mapped_column(String(60), nullable=False)
    majority: Mapped[str] = mapped_column(String(60), nullable=False)
    second_convocation_quorate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    description: Mapped[LongText]


class Body(Base):
    """Gremium: committee, council, steering group, advisory councils, round table, expert group."""

    __tablename__ = "bodies"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    name_en: Mapped[OptName]
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    role: Mapped[LongText]
    opinion_name: Mapped[OptName]
    field_id: Mapped[int | None] = fk("action_fields.id", nullable=True)
    rule_set_id: Mapped[int | None] = fk("rule_sets.id", nullable=True)
    seats: Mapped[int | None] = mapped_column(Integer)  # statutory voting members, if known
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Sessions (issue 16, revision 0006): the invitation period in days (Ladungsfrist; NULL: the
    # default of 7) and how often the body is to be informed (Unterrichtung; NULL: no interval).
    invitation_days: Mapped[int | None] = mapped_column(Integer)
    information_interval_days: Mapped[int | None] = mapped_column(Integer)
    # issue 18 (revision 0009, helper "contacts"): where reminders go and the language they are written in.
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="de", server_default="de")


class BodyAlias(Base):
    __tablename__ = "body_aliases"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id")
    alias: Mapped[str] = mapped_column(String(200), nullable=False)
    __table_args__ = (UniqueConstraint("body_id", "alias"),)


class SeatCategory(Base):
    """Sitzkategorie, e.g. the steering group's 12 Fachbereichsleiter*innen."""

    __tablename__ = "seat_categories"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id")
    slug: Mapped[str] = mapped_column(String(80), nullable=False)
    name: Mapped[Name]
    name_en: Mapped[OptName]
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    voting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("body_id", "slug"), CheckConstraint("seats >= 0", name="seats_non_negative"))


class Membership(Base):
    """Mitgliedschaft: a person in a body (chair, deputy or member, voting or advisory), from/until.

    ``since``/``until`` NULL: from/until an unknown day (the seed's chair); ``until`` is the last
    day of membership. A person holds one membership of a body at a time (lipctl.process.rosters);
    a person who left may join again, so (body, person, role) is no longer unique (revision 0007).
    """

    __tablename__ = "memberships"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id")
    person_id: Mapped[int] = fk("people.id")
    role: Mapped[MembershipRole]
    title: Mapped[OptName]
    seat_category_id: Mapped[int | None] = fk("seat_categories.id", nullable=True)
    voting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    since: Mapped[dt.date | None]
    until: Mapped[dt.date | None]


class OpinionRequirement(Base):
    """A body whose opinion every draft needs before the steering group decides."""

    __tablename__ = "opinion_requirements"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id", index=False)
    deadline_days: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("body_id"),)


class DecisionStep(Base):
    """Beratungsfolge: which body decides, in which order, on a document or on the plan."""

    __tablename__ = "decision_steps"
    id: Mapped[IntPK]
    scope: Mapped[DecisionScope]
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    body_id: Mapped[int] = fk("bodies.id")
    __table_args__ = (UniqueConstraint("scope", "position"),)


class Milestone(Base):
    """Meilenstein with its due date (None: the seed gives no day, ``due_text`` its words); ``applies_to``
    is a document kind or 'plan'. A rescheduled one keeps the due date it had before its first
    reschedule (``original_due``) and who moved it last, when and why (``rescheduled_*``)."""

    __tablename__ = "milestones"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    name_en: Mapped[OptName]
    due: Mapped[dt.date | None]
    due_text: Mapped[OptName]
    applies_to: Mapped[str] = mapped_column(String(80), nullable=False)
    original_due: Mapped[dt.date | None]
    rescheduled_at: Mapped[dt.datetime | None]
    rescheduled_by: Mapped[str | None] = mapped_column(String(120))
    reschedule_reason: Mapped[str | None] = mapped_column(Text)


class SurveyCategory(Base):
    """Kategorie einer Umfrageantwort: Idee, Wunsch, Kritik."""

    __tablename__ = "survey_categories"
    id: Mapped[IntPK]
    slug: Mapped[Slug]
    name: Mapped[Name]
    name_en: Mapped[OptName]
    aliases: Mapped[str | None] = mapped_column(Text)  # newline-separated
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProcessEvent(Base):
    """A dated event of the process (the kick-off), for the briefing."""

    __tablename__ = "process_events"
    id: Mapped[IntPK]
    date: Mapped[dt.date]
    name: Mapped[Name]
    note: Mapped[LongText]
    __table_args__ = (UniqueConstraint("date", "name"),)


# --- the records of the process ----------------------------------------------------------


class Survey(Base):
    """Online-Umfrage: a named survey whose answers are imported."""

    __tablename__ = "surveys"
    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    created_at: Mapped[Timestamp]
    # issue 18, survey rounds (revision 0010): Umfragerunde and Befragungszeitraum (both days included);
    # all NULL for a survey known from its imports alone. closed_on: the day `survey close` ended it.
    round: Mapped[int | None] = mapped_column(Integer)
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    closed_by: Mapped[str | None] = mapped_column(String(120))
    __table_args__ = (Index("uq_surveys_round", "round", unique=True),)


class Draft(Base):
    """Entwurf: one version of one document (kind) of one action field, or of the complete plan
    (Gesamtplan: kind 'gesamtplan', no field; revision 0008)."""

    __tablename__ = "drafts"
    id: Mapped[IntPK]
    field_id: Mapped[int | None] = fk("action_fields.id", index=False, nullable=True)
    kind: Mapped[str] = mapped_column(String(80), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[DraftState] = mapped_column(index=True)
    state_since: Mapped[dt.date]
    title: Mapped[OptName]
    submitted_on: Mapped[dt.date]
    submitted_at: Mapped[Timestamp]
    submitted_by: Mapped[Actor]
    file_name: Mapped[OptName]
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_copy: Mapped[str | None] = mapped_column(Text)  # path of the kept copy
    voided_at: Mapped[dt.datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(120))
    void_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        # Two concurrent submissions must not both become v2: the second one fails here and retries.
        UniqueConstraint("field_id", "kind", "version", name="uq_drafts_field_kind_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        # issue 16, the complete plan (revision 0008): only the plan has no field; its versions are unique.
        CheckConstraint("field_id IS NOT NULL OR kind = 'gesamtplan'", name="plan_has_no_field"),
        Index(
            "uq_drafts_plan_version",
            "version",
            unique=True,
            sqlite_where=sql_text("field_id IS NULL"),
            postgresql_where=sql_text("field_id IS NULL"),
        ),
    )


class Document(Base):
    """A stored document (a draft's --file), named by its SHA-256: on PostgreSQL kept here, in chunks.

    SQLite keeps its documents in the ``files/`` folder beside the database instead; there this
    table stays empty. One row per content: two versions with the same file share it.
    """

    __tablename__ = "documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    chunks: Mapped[int] = mapped_column(Integer, nullable=False)
    stored_at: Mapped[Timestamp]


class DocumentChunk(Base):
    """One piece (up to 1 MiB) of a stored document, in order of ``seq`` from 0."""

    __tablename__ = "document_chunks"
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("documents.sha256"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class DraftSurvey(Base):
    """A survey whose answers a draft version took into account."""

    __tablename__ = "draft_surveys"
    id: Mapped[IntPK]
    draft_id: Mapped[int] = fk("drafts.id")
    survey_id: Mapped[int] = fk("surveys.id")
    __table_args__ = (UniqueConstraint("draft_id", "survey_id"),)


class Opinion(Base):
    """Einschätzung / Stellungnahme of a body on a draft; several per body, the latest counts."""

    __tablename__ = "opinions"
    id: Mapped[IntPK]
    draft_id: Mapped[int] = fk("drafts.id", index=False)
    body_id: Mapped[int] = fk("bodies.id")
    stance: Mapped[Stance]
    text: Mapped[LongText]
    file_name: Mapped[OptName]
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    received_on: Mapped[dt.date]
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]
    voided_at: Mapped[dt.datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(120))
    void_reason: Mapped[str | None] = mapped_column(Text)


class SteeringDecision(Base):
    """Entscheidung der Lenkungsgruppe: forward to the committee or return for revision."""

    __tablename__ = "steering_decisions"
    id: Mapped[IntPK]
    draft_id: Mapped[int] = fk("drafts.id", index=False)
    outcome: Mapped[DecisionOutcome]
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_on: Mapped[dt.date]
    without_opinions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    missing_opinions: Mapped[str | None] = mapped_column(Text)  # body slugs missing at an exception
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]
    voided_at: Mapped[dt.datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(120))
    void_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        # One decision per version that counts; a voided one stays beside the decision recorded again.
        Index(
            "uq_steering_decisions_live_draft",
            "draft_id",
            unique=True,
            sqlite_where=sql_text("voided_at IS NULL"),
            postgresql_where=sql_text("voided_at IS NULL"),
        ),
        Index("ix_steering_decisions_draft_id", "draft_id"),
    )


class Resolution(Base):
    """Beschluss: a tally of a committee or the council, with all numbers and the computed result."""

    __tablename__ = "resolutions"
    id: Mapped[IntPK]
    scope: Mapped[DecisionScope]
    draft_id: Mapped[int | None] = fk("drafts.id", nullable=True)
    body_id: Mapped[int] = fk("bodies.id")
    rule_set: Mapped[str] = mapped_column(String(80), nullable=False)
    # The counts are NULL for a deferral recorded without them (revision 0006); quorate too when
    # the number present is not known. The checks hold for NULL counts (a NULL check is no violation).
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    members: Mapped[int] = mapped_column(Integer, nullable=False)
    second_convocation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    quorate: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[ResolutionResult]
    arithmetic: Mapped[str] = mapped_column(Text, nullable=False)
    drucksache: Mapped[str | None] = mapped_column(String(40))
    decided_on: Mapped[dt.date]
    exception_reason: Mapped[LongText]
    # revision 0007: the statutory number on decided_on (None: unknown) and why --members differs from it
    members_statutory: Mapped[int | None] = mapped_column(Integer)
    members_reason: Mapped[LongText]
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]
    voided_at: Mapped[dt.datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(120))
    void_reason: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = fk("meetings.id", nullable=True)  # the session (Sitzung), revision 0006
    __table_args__ = (
        CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="votes_non_negative"),
        CheckConstraint("yes + no + abstain <= present AND present <= members", name="votes_possible"),
        CheckConstraint(
            "result = 'deferred' OR (yes IS NOT NULL AND no IS NOT NULL AND abstain IS NOT NULL AND present IS NOT NULL)",
            name="counts_unless_deferred",
        ),
    )


class ImportBatch(Base):
    """One file of a survey import, with its counts."""

    __tablename__ = "import_batches"
    id: Mapped[IntPK]
    survey_id: Mapped[int] = fk("surveys.id")
    path: Mapped[str] = mapped_column(Text, nullable=False)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    profile: Mapped[OptName]
    started_at: Mapped[Timestamp]
    finished_at: Mapped[dt.datetime | None]
    rows_read: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    actor: Mapped[Actor]
    undone_at: Mapped[dt.datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(120))
    undo_reason: Mapped[str | None] = mapped_column(Text)


class SurveyResponse(Base):
    """Umfrageantwort: one citizen's answer, routed to the expert group of its field.

    Only mapped keys are stored (data minimisation): no e-mail, no IP address.
    """

    __tablename__ = "survey_responses"
    id: Mapped[IntPK]
    survey_id: Mapped[int] = mapped_column(Integer, nullable=False)
    response_key: Mapped[str] = mapped_column(String(200), nullable=False)
    # survey_id, field_id, category_id and batch_id refer to surveys, action_fields, survey_categories
    # and import_batches without a foreign key (revisions 0004 and 0013): PostgreSQL checked each key
    # of each imported row, a third of a large import's time. The import writes only ids it has just
    # loaded in the same transaction, nothing deletes a field or category, `survey delete` removes
    # answers before their batches and their survey, and `lipctl db check` finds a reference that
    # points nowhere.
    field_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    category_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[dt.datetime | None]
    batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    line: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("survey_id", "response_key", name="uq_survey_responses_survey_key"),
        Index("ix_survey_responses_field_category", "field_id", "category_id"),
    )


class ReportedReject(Base):
    """A rejected survey row already reported: the SHA-256 of its raw bytes, per survey.

    A later import that meets the same row again counts it as known (``known_rejects``) and,
    when every reject is known, does not exit 3 again. ``batch_id`` is the import that first
    reported it.
    """

    __tablename__ = "reported_rejects"
    id: Mapped[IntPK]
    survey_id: Mapped[int] = fk("surveys.id", index=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    batch_id: Mapped[int] = fk("import_batches.id")
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    __table_args__ = (UniqueConstraint("survey_id", "sha256"),)


class AuditEvent(Base):
    """Protokoll: the append-only log of every change (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    id: Mapped[IntPK]
    occurred_at: Mapped[dt.datetime] = mapped_column(nullable=False, index=True)
    actor: Mapped[Actor]
    command: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str | None] = mapped_column(Text)  # JSON
    happened_on: Mapped[dt.date | None]  # the day the recorded act happened (--date), if it is one
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # lipctl.process.auditchain
    hash: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("uq_audit_events_hash", "hash", unique=True),
    )


class AuditHead(Base):
    """The head of the audit chain: the last event's hash and the number of events (one row, id 1).

    Writers lock this row to append (concurrent writers on PostgreSQL never fork the chain);
    ``lipctl log verify`` compares the walk's end with it, so that a cut-off end is found.
    """

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    events: Mapped[int] = mapped_column(Integer, nullable=False)
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


Index("ix_drafts_field_kind", Draft.field_id, Draft.kind)
Index("ix_opinions_draft_body", Opinion.draft_id, Opinion.body_id)


# --- rosters and the Drucksachen register (revision 0007) ---------------------------------


class BodySeats(Base):
    """Sitzzahl: the statutory number of voting members of a body from a day on (``body edit --seats``).

    The history is kept: the number on a day is the one with the latest ``since`` on or before it.
    """

    __tablename__ = "body_seats"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id", index=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    since: Mapped[dt.date]
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]
    __table_args__ = (UniqueConstraint("body_id", "since"), CheckConstraint("seats >= 0", name="seats_non_negative"))


class Paper(Base):
    """Drucksache: a registered printed-matter number, its type and what it carries.

    ``kind``: resolution (Beschlussdrucksache), information (Informationsdrucksache H-…) or
    amendment (Änderungsantrag … E1); ``carries``: a draft version (``draft_id``), the plan,
    information, or the founding resolution of the process. A number belongs to one paper.
    """

    __tablename__ = "papers"
    id: Mapped[IntPK]
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    carries: Mapped[str] = mapped_column(String(32), nullable=False)
    draft_id: Mapped[int | None] = fk("drafts.id", nullable=True)
    body_id: Mapped[int | None] = fk("bodies.id", nullable=True)
    date: Mapped[dt.date | None]
    title: Mapped[LongText]
    registered_at: Mapped[Timestamp]
    registered_by: Mapped[Actor]


# --- sessions, agenda, informing the committee (issue 16, revision 0006) ---------------------


class Meeting(Base):
    """Sitzung: a session of a deciding body, on a day, called with an invitation (Ladung).

    ``second_convocation_of``: the session whose items that were not quorate this one decides
    regardless of attendance (zweite Ladung, §65(2) NKomVG). ``urgent_reason``: why the invitation
    period was shortened (Dringlichkeit).
    """

    __tablename__ = "meetings"
    id: Mapped[IntPK]
    body_id: Mapped[int] = fk("bodies.id")
    date: Mapped[dt.date]
    start: Mapped[str | None] = mapped_column(String(5))  # HH:MM
    location: Mapped[str | None] = mapped_column(Text)
    invited_on: Mapped[dt.date | None]
    second_convocation_of: Mapped[int | None] = fk("meetings.id", nullable=True)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]
    created_by: Mapped[Actor]


class AgendaItem(Base):
    """Tagesordnungspunkt: a draft version or the plan, on a session's agenda, with its Drucksache."""

    __tablename__ = "agenda_items"
    id: Mapped[IntPK]
    meeting_id: Mapped[int] = fk("meetings.id")
    number: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[DecisionScope]
    draft_id: Mapped[int | None] = fk("drafts.id", nullable=True)
    drucksache: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[Timestamp]
    created_by: Mapped[Actor]


class CommitteeInformation(Base):
    """Unterrichtung: the committee was informed about the state of the process in a session.

    A document goes with it as a draft's does (a kept copy on SQLite, stored in ``documents`` on PostgreSQL).
    """

    __tablename__ = "committee_information"
    id: Mapped[IntPK]
    meeting_id: Mapped[int] = fk("meetings.id")
    body_id: Mapped[int] = fk("bodies.id")
    informed_on: Mapped[dt.date]
    drucksache: Mapped[str | None] = mapped_column(String(40))
    file_name: Mapped[OptName]
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_copy: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]


# --- survey rounds: answers handed to the expert groups (issue 18, revision 0010) -------------


class SurveyHandover(Base):
    """Übergabe: the answers of an action field handed to its expert group on a day (survey export --handover)."""

    __tablename__ = "survey_handovers"
    id: Mapped[IntPK]
    field_id: Mapped[int] = fk("action_fields.id")
    body_id: Mapped[int | None] = fk("bodies.id", nullable=True, index=False)  # the field's expert group, if known
    handed_on: Mapped[dt.date]
    answers: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_at: Mapped[Timestamp]
    recorded_by: Mapped[Actor]


class SurveyHandoverAnswer(Base):
    """One answer and the handover it went with: each answer is handed over once.

    Deleting the answer (survey undo, survey delete) deletes this row with it (ON DELETE CASCADE)."""

    __tablename__ = "survey_handover_answers"
    response_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    handover_id: Mapped[int] = fk("survey_handovers.id")


# --- the seed values last applied (issue 18, revision 0009, helper "contacts") -------------------


class SeedValue(Base):
    """A value the seed sets and lipctl edits, as the seed last applied it (``init``'s three-way rule).

    ``key`` names what it sets (``field.bildung.contact.email``, ``body.rat.chair.name``); ``value``
    NULL: the seed set none (a vacant post, no address).
    """

    __tablename__ = "seed_values"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[Timestamp]


# --- issue 18 (remind, revision 0011): the record of sent reminder mails ------------------------


class ReminderSent(Base):
    """Versandte Erinnerung: one item (an opinion on a draft version, or a document by a milestone) reminded
    of in one mail on one day (Europe/Berlin). ``item`` is lipctl.process.reminders' key; at most one row
    per item and day, written once the SMTP server accepted the mail."""

    __tablename__ = "reminders_sent"
    id: Mapped[IntPK]
    item: Mapped[str] = mapped_column(String(160), nullable=False)
    day: Mapped[dt.date]
    body_id: Mapped[int] = fk("bodies.id")
    draft_id: Mapped[int | None] = fk("drafts.id", nullable=True)
    milestone_id: Mapped[int | None] = fk("milestones.id", nullable=True)
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    message_id: Mapped[str] = mapped_column(String(250), nullable=False)
    sent_at: Mapped[Timestamp]
    sent_by: Mapped[Actor]
    __table_args__ = (UniqueConstraint("item", "day"),)
