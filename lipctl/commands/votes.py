"""lipctl committee tally, lipctl council tally: resolutions, computed from the numbers."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._corrections import VoidReasonOpt, correction_columns
from lipctl.commands._options import DateOpt, FormatOpt, RefArg, SinceOpt
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat

# The counts are required for a vote and not needed for a deferral (--defer): the service says
# which are missing, as a usage error (exit 2) like Click's own.
YesOpt = Annotated[
    int | None, typer.Option("--yes", help=_("Yes votes (Ja-Stimmen); required unless --defer."), show_default=False)
]
NoOpt = Annotated[
    int | None, typer.Option("--no", help=_("No votes (Nein-Stimmen); required unless --defer."), show_default=False)
]
AbstainOpt = Annotated[
    int | None,
    typer.Option(
        "--abstain",
        help=_("Abstentions (Enthaltungen), never counted as votes cast; required unless --defer."),
        show_default=False,
    ),
]
PresentOpt = Annotated[
    int | None,
    typer.Option(
        "--present",
        help=_("Voting members present (advisory members do not count); required unless --defer."),
        show_default=False,
    ),
]
MeetingOpt = Annotated[
    str | None,
    typer.Option(
        "--meeting",
        help=_("The session (Sitzung) that voted, by id (default: the body's session on --date, created if there is none)."),
        show_default=False,
    ),
]
MembersOpt = Annotated[
    int | None,
    typer.Option(
        "--members",
        help=_(
            "Statutory number of voting members (default: the recorded seat count or roster on --date, else the seed's "
            "seats; required where none is known)."
        ),
        show_default=False,
    ),
]
DrucksacheOpt = Annotated[
    str | None,
    typer.Option("--drucksache", help=_("Printed-matter number: 2472/2019, H-0375/2019 or 15-0067/2019 F1."), show_default=False),
]
DeferOpt = Annotated[
    bool,
    typer.Option("--defer", help=_("The body postponed the item (vertagt), no vote counts needed; the draft stays forwarded.")),
]
SecondOpt = Annotated[
    bool,
    typer.Option(
        "--second-convocation",
        help=_(
            "Decided in a second convocation (§65(2) NKomVG): only in a session scheduled with --second-convocation-of "
            "after the item was not quorate, where it is implied."
        ),
    ),
]
BodyOpt = Annotated[
    str | None,
    typer.Option("--body", help=_("The deciding body (default: the next one in the seed's decision chain)."), show_default=False),
]

MembersOverrideOpt = Annotated[
    bool,
    typer.Option(
        "--members-override", help=_("Count with --members although it differs from the statutory number (needs --reason).")
    ),
]

ListVoidedOpt = Annotated[bool, typer.Option("--include-voided", help=_("Also list voided resolutions, marked."))]
IdArg = Annotated[str, typer.Argument(metavar="ID", help=_("The resolution's id (the tally's JSON: id)."))]


def _columns() -> list[Any]:
    from lipctl.output.emit import Column
    from lipctl.report.labels import result_label, state_label

    return [
        Column("ref", _("Draft")),
        Column("body", _("Body")),
        Column("result", _("Result"), result_label),  # words for people; JSON and CSV keep the codes
        Column("arithmetic", _("Arithmetic")),
        Column("rule_set", _("Vote rules")),
        Column("yes", _("Yes")),
        Column("no", _("No")),
        Column("abstain", _("Abstentions")),
        Column("present", _("Present")),
        Column("members", _("Members")),
        Column("members_reason", _("Members override")),
        Column("quorate", _("Quorate")),
        Column("drucksache", _("Drucksache")),
        Column("date", _("Date")),
        Column("meeting", _("Session")),
        Column("state", _("Draft state"), state_label),
        Column("exception_reason", _("Exception")),
    ]


def _emit_resolution(row: dict[str, Any], fmt: OutputFormat, hidden: tuple[str, ...]) -> None:
    """The recorded resolution, as both tallies show it (``hidden``: the columns that do not apply)."""
    from lipctl.output.emit import emit_record

    emit_record(row, fmt, [c for c in _columns() if c.key not in hidden], title=_("Resolution {id}").format(id=row["id"]))


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    committee = typer.Typer(help=group_help("committee"), no_args_is_help=True)
    council = typer.Typer(help=group_help("council"), no_args_is_help=True)

    @command(committee, "tally", path="committee tally")
    def committee_tally(
        ref: RefArg,
        yes: YesOpt = None,
        no: NoOpt = None,
        abstain: AbstainOpt = None,
        present: PresentOpt = None,
        members: MembersOpt = None,
        drucksache: DrucksacheOpt = None,
        date: DateOpt = None,
        defer: DeferOpt = False,
        second_convocation: SecondOpt = False,
        body: BodyOpt = None,
        members_override: MembersOverrideOpt = False,
        reason: Annotated[
            str | None, typer.Option("--reason", help=_("Why --members-override is made; recorded."), show_default=False)
        ] = None,
        meeting: MeetingOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record the committee's vote on a forwarded draft, or on the complete plan (REF plan); the result is
        computed from the numbers."""
        from lipctl.services import resolutions as svc

        row = svc.tally_document(
            env(),
            ref,
            yes=yes,
            no=no,
            abstain=abstain,
            present=present,
            members=members,
            drucksache=drucksache,
            date=date,
            defer=defer,
            second_convocation=second_convocation,
            body=body,
            members_override=members_override,
            reason=reason,
            meeting=meeting,
        )
        _emit_resolution(row, fmt, hidden=("exception_reason",))

    @command(council, "tally", path="council tally")
    def council_tally(
        yes: YesOpt = None,
        no: NoOpt = None,
        abstain: AbstainOpt = None,
        present: PresentOpt = None,
        members: MembersOpt = None,
        drucksache: DrucksacheOpt = None,
        date: DateOpt = None,
        defer: DeferOpt = False,
        second_convocation: SecondOpt = False,
        body: BodyOpt = None,
        # issue 16 (the plan as a document): the exception moved to 'draft submit plan'; kept here for scripts.
        without_all_fields: Annotated[
            bool,
            typer.Option(
                "--without-all-fields",
                help=_(
                    "Kept for existing scripts: the fields' readiness is checked at 'draft submit plan'. Needed here"
                    " (with --reason, recorded) only when a field lost its adopted document after the plan's version"
                    " was submitted without this exception; otherwise it changes nothing."
                ),
            ),
        ] = False,
        members_override: MembersOverrideOpt = False,
        reason: Annotated[
            str | None,
            typer.Option(
                "--reason",
                help=_("Why the exception is made (--without-all-fields, --members-override; one reason for both); recorded."),
                show_default=False,
            ),
        ] = None,
        meeting: MeetingOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record the council's vote on the complete plan's forwarded version (lipctl draft submit plan), after the
        committee adopted it (Beratungsfolge); the result is computed from the numbers."""
        from lipctl.services import resolutions as svc

        row = svc.tally_plan(
            env(),
            yes=yes,
            no=no,
            abstain=abstain,
            present=present,
            members=members,
            drucksache=drucksache,
            date=date,
            defer=defer,
            second_convocation=second_convocation,
            body=body,
            without_all_fields=without_all_fields,
            reason=reason,
            members_override=members_override,
            meeting=meeting,
        )
        _emit_resolution(row, fmt, hidden=())

    def _void(group: str, resolution_id: str, reason: str, fmt: OutputFormat) -> None:
        from lipctl.output.emit import emit_record
        from lipctl.services import corrections as svc

        row = svc.void_resolution(env(), resolution_id, reason, group=group)
        emit_record(row, fmt, correction_columns(), title=_("Resolution {id} voided").format(id=row["id"]))

    @command(committee, "void", path="committee void")
    def committee_void(resolution_id: IdArg, reason: VoidReasonOpt, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Void a committee resolution recorded by mistake: it stays, marked; the draft returns to forwarded."""
        _void("committee", resolution_id, reason, fmt)

    @command(council, "void", path="council void")
    def council_void(resolution_id: IdArg, reason: VoidReasonOpt, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Void a council resolution recorded by mistake: it stays, marked; the vote can be recorded again."""
        _void("council", resolution_id, reason, fmt)

    def _list(body_kind: str, since: str | None, include_voided: bool, fmt: OutputFormat) -> None:
        from lipctl.output.emit import Column, emit
        from lipctl.report.labels import result_label
        from lipctl.services import listings

        rows = listings.list_resolutions(env(), body_kind, since=since, include_voided=include_voided)
        emit(
            rows,
            fmt,
            [
                Column("id", _("Id")),
                Column("date", _("Date")),
                Column("ref", _("Draft")),
                Column("version", _("Version")),
                Column("result", _("Result"), result_label),
                Column("arithmetic", _("Arithmetic")),
                Column("drucksache", _("Drucksache")),
                Column("meeting", _("Session")),
                Column("voided", _("Voided"), lambda v: _("yes") if v else ""),
            ],
        )

    @command(committee, "list", path="committee list")
    def committee_list(
        since: SinceOpt = None, include_voided: ListVoidedOpt = False, fmt: FormatOpt = OutputFormat.TABLE
    ) -> None:
        """The committee's resolutions, oldest first: on what, result and arithmetic, Drucksache, date, session."""
        _list("committee", since, include_voided, fmt)

    @command(council, "list", path="council list")
    def council_list(since: SinceOpt = None, include_voided: ListVoidedOpt = False, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The council's resolutions, oldest first: on what, result and arithmetic, Drucksache, date, session."""
        _list("council", since, include_voided, fmt)

    from lipctl.commands.meeting import register_inform

    register_inform(committee)
    root.add_typer(committee, name="committee")
    root.add_typer(council, name="council")
