"""The root command: global options, and the command modules, imported when a command needs them.

Typer introspects every command it registers, on every start: for the whole tree that is ~40 ms
of a 300 ms budget, spent before ``lipctl contacts`` does anything. So the root group knows its
commands by name only (``COMMANDS``: the module that registers each, and the one-line help the
root's --help lists) and imports and registers a module when Click asks for one of its commands —
Click's lazy group (``list_commands``/``get_command``), with the table as pip keeps its own.
tests/meta/test_imports.py checks the table against the modules: the same names, and a root
--help identical to the whole tree's, in both languages.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from lipctl import __version__, completion
from lipctl.i18n import N_, _

# Top-level name -> (module in lipctl.commands that registers it, its help as the root lists it),
# in the order of the root's --help. A group's help stands here only: its module takes it through
# group_help(); a command's is its docstring (tests/meta checks that the two agree). N_() marks the
# texts for the catalogue; they are translated where they are shown.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("setup", N_("Create or upgrade the database and load the process definition (seed.yaml).")),
    "fields": ("fields", N_("The six action fields (Handlungsfelder) with the current stage of their documents.")),
    "contacts": ("fields", N_("Contacts per action field: contact person, internal and external speaker.")),
    "bodies": ("fields", N_("The bodies (Gremien): seats, chair, vote rules and their part in the process.")),
    # issue 18 (helper "contacts"): change a field's contacts from the terminal
    "field": ("field", N_("Change an action field: its contact with e-mail and phone, its speakers ('contacts' lists them).")),
    "status": (
        "status",
        N_("Where every action field stands as of --today: documents, what they wait on, survey responses, what is overdue."),
    ),
    "report": (
        "status",
        N_("The briefing for the International Committee: progress, decisions, overdue items, survey participation, contacts."),
    ),
    # issue 18, calendar feed (branch calendar)
    "calendar": (
        "calendar",
        N_("The calendar feed (iCalendar): opinion due dates, sessions, milestones and survey periods, for a calendar client."),
    ),
    "log": ("log", N_("The audit trail: every change, with actor, time and details; 'log verify' checks its hash chain.")),
    "draft": ("draft", N_("Draft versions of each field's documents (Entwürfe).")),
    "opinion": ("opinion", N_("Opinions on drafts (Einschätzungen, Stellungnahmen).")),
    "steering": ("steering", N_("The steering group's decisions (Lenkungsgruppe).")),
    "member": ("member", N_("The rosters of the bodies: members, voting or advisory, from and until (Mitglieder).")),
    "body": (
        "body",
        N_("Change a body: its chair, e-mail address, language, number of voting seats from a day on ('bodies' lists them)."),
    ),
    "paper": ("paper", N_("The Drucksachen register: printed-matter numbers, their type and what each carries.")),
    "committee": ("votes", N_("The committee's resolutions on forwarded drafts (Internationaler Ausschuss).")),
    "council": ("votes", N_("The council's resolution on the complete plan (Rat).")),
    "meeting": ("meeting", N_("Sessions (Sitzungen) of the committee and the council: invitation, agenda, results.")),
    "milestone": ("milestone", N_("The milestones (Meilensteine): due dates, what is met, moving a due date.")),
    "survey": ("survey", N_("Online surveys: import citizens' answers, count them, export them per action field.")),
    # issue 18 (helper "remind"): reminder mails
    "remind": (
        "remind",
        N_("Reminder mails to the bodies and expert groups that owe an opinion or a document within --within days or overdue."),
    ),
    # issue 19: lipctl search (lipctl/commands/search.py)
    "search": ("search", N_('Search opinion texts, survey answers and draft titles; "Sprachkurse" also finds "Sprachkurs".')),
    "db": ("db", N_("The database itself: back it up, check it, upgrade its schema.")),
    "oparl": ("oparl", N_("Open council data: the process as an OParl 1.1 tree for any web server.")),
    "completion": (
        "completion",
        N_("Print the shell's completion script: commands, options, field and body slugs, drafts, surveys, meetings."),
    ),
}


def group_help(name: str) -> str:
    """The help of the group ``name`` (its line in ``COMMANDS``), translated: for the group's own ``typer.Typer``."""
    _module, text = COMMANDS[name]
    return _(text)


def command_tree(module: str) -> TyperGroup:
    """The commands that ``lipctl.commands.<module>`` registers, as Click sees them."""
    sub = typer.Typer(add_completion=False, rich_markup_mode=None)
    # __import__, not importlib.import_module: the import statement's machinery, which
    # `python -X importtime` reports (tests/meta/test_imports.py relies on it).
    __import__(f"lipctl.commands.{module}", fromlist=["register"]).register(sub)
    group = typer.main.get_group(sub)
    for cmd in group.commands.values():
        _accept_global_options(cmd)
    return group


#: The root's options that a command accepts after its name too (``lipctl status --today D``).
GLOBAL_OPTIONS = ("db", "actor", "today", "lang", "debug")
_GLOBAL_PARAMS = {f"global_{name}": name for name in GLOBAL_OPTIONS}


def _accept_global_options(cmd: Any) -> None:
    """Give ``cmd`` (and every command under it) the global options, hidden, with the root's meaning.

    People type them where they think of them: ``lipctl status --today 2020-12-01``. Each level
    that is given one applies it over what the levels before it set, so the later one wins, and
    a typed option wins over its environment variable (which only the root reads).
    """
    for sub in getattr(cmd, "commands", {}).values():
        _accept_global_options(sub)
    _name_placeholders(cmd)
    for param, name in _GLOBAL_PARAMS.items():
        if any(f"--{name}" in p.opts for p in cmd.params):
            continue  # a command with an option of that name of its own keeps it (none today)
        if name == "debug":
            cmd.params.append(TyperOption(param_decls=[f"--{name}", param], is_flag=True, default=None, hidden=True))
        else:
            check = (lambda c, p, v: _language(v)) if name == "lang" else None
            cmd.params.append(TyperOption(param_decls=[f"--{name}", param], default=None, hidden=True, callback=check))
    inner = cmd.callback

    def callback(*args: Any, **kwargs: Any) -> Any:
        given = {_GLOBAL_PARAMS[k]: kwargs.pop(k) for k in list(kwargs) if k in _GLOBAL_PARAMS}
        if any(v is not None for v in given.values()):
            _set_globals(**given)
        return inner(*args, **kwargs) if inner is not None else None

    cmd.callback = callback


#: What an option's value is, where its name alone does not say it (``--date DATE``, ``--yes N``).
PLACEHOLDERS = {
    "date": "DATE",
    "due": "DATE",
    "since": "DATE",
    "until": "DATE",
    "on": "DATE",
    "invited-on": "DATE",
    "today": "DATE",
    "file": "FILE",
    "rejects": "FILE",
    "output": "FILE",
    "seed": "FILE",
    "from": "BODY",
    "body": "BODY",
    "field": "FIELD",
    "survey": "SURVEY",
    "considered-survey": "SURVEY",
    "meeting": "MEETING",
    "text": "TEXT",
    "reason": "TEXT",
    "title": "TEXT",
    "map": "KEY=COLUMN",
    "by": "NAME",
    "actor": "NAME",
    "draft": "REF",
}


def _name_placeholders(cmd: Any) -> None:
    """Placeholders that say what to type (``--date DATE``, ``draft submit FIELD``), not ``<str>`` / ``{field}``.

    An option or argument that names its own metavar keeps it; a choice keeps its list of values.
    """
    for param in cmd.params:
        if getattr(param, "hidden", False) or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        if param.param_type_name == "argument":
            shown = param.metavar or (param.name or "").upper().replace("_", "-")
            if param.nargs != 1 and not shown.endswith("..."):
                shown += "..."
            label = shown if param.required else f"[{shown}]"
            param.make_metavar = lambda ctx=None, *, usage=False, _label=label, _plain=shown: _label if usage else _plain
            completion.attach(param, shown)
        elif param.metavar is not None and "|" in param.metavar:
            completion.attach(param, param.metavar)  # a list of its values: "opinions|surveys|drafts"
        elif param.metavar is None and not hasattr(param.type, "choices"):
            long = next((o[2:] for o in param.opts if o.startswith("--")), param.name or "")
            if param.type.name in ("integer", "int", "integer range", "int range"):
                param.metavar = "N"
            else:
                param.metavar = PLACEHOLDERS.get(long, long.upper())
                completion.attach(param, param.metavar)


class LazyRoot(TyperGroup):
    """The root group, lazy as Click's docs show ("Lazily Loading Subcommands").

    ``list_commands`` names every command from ``COMMANDS``; ``get_command`` imports and builds the
    module of the command Click asks for (with the other commands that module registers) and keeps
    them in ``self.commands``. Anything that walks the tree uses those two methods, as Click does.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for name, cmd in command_tree(COMMANDS[cmd_name][0]).commands.items():
                self.add_command(cmd, name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer's "Did you mean …?" draws on self.commands, the commands built so far: for a name
        # that is no command, build them all first (an error path; nothing else pays for it).
        if args and self.suggest_commands and args[0] not in self.list_commands(ctx):
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        # _LIPCTL_COMPLETE, however lipctl was started (as `python -m lipctl` Click would look for
        # another name): the shell asks for completions
        complete_var = complete_var or completion.COMPLETE_VAR
        if os.environ.get(complete_var):
            completion.enable()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The root's list of commands, from ``COMMANDS`` alone.

        Click's own listing calls ``get_command`` for every name, which would import every module
        for --help; here Typer's layout gets stand-ins that carry only the one-line help.
        """
        listing = [TyperCommand(name=name, help=_(text)) for name, (_module, text) in COMMANDS.items()]
        TyperGroup(name=self.name, commands=listing).format_commands(ctx, formatter)


app = typer.Typer(
    name="lipctl",
    cls=LazyRoot,
    help=_("Administration of the Local Integration Plan (LIP 2.0): drafts, opinions, decisions, votes, surveys."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help and usage errors: Typer's rich help would import rich, markdown-it and
    # pygments (~70 ms) on every --help and every mistyped option. Set on every module's tree too.
    rich_markup_mode=None,
)


def _language(value: str | None) -> str | None:
    from lipctl.i18n import is_language

    if value and not is_language(value):
        raise typer.BadParameter(_("{value!r} is not a language of lipctl: use de or en").format(value=value))
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lipctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db_: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="LIPCTL_DB",
            metavar="PATH|URL",
            help=_("Database: a SQLite file path or a URL (postgresql+psycopg://…)."),
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            envvar="LIPCTL_ACTOR",
            metavar="NAME",
            help=_("Who records the change (default: your login name)."),
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="LIPCTL_TODAY",
            metavar="DATE",
            help=_("The date 'as of', YYYY-MM-DD (default: today)."),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="LIPCTL_LANG",
            metavar="de|en",
            callback=_language,
            help=_("Language of the interface: de or en."),
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=_("Show tracebacks for unexpected errors."))] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version and exit."))
    ] = False,
) -> None:
    """lipctl — the LIP 2.0 process, recorded."""
    _set_globals(db=db_, actor=actor, today=today, lang=lang, debug=debug, over=False)


def _set_globals(
    db: str | None = None,
    actor: str | None = None,
    today: str | None = None,
    lang: str | None = None,
    debug: bool | None = None,
    *,
    over: bool = True,
) -> None:
    """The invocation's context from the global options; ``over``: given after the command, these
    replace what the root set (``None``: not given there, the root's value stays)."""
    from lipctl.commands._boundary import fail
    from lipctl.context import AppContext, current, default_actor, parse_today, set_current
    from lipctl.errors import LipctlError
    from lipctl.i18n import set_language

    if lang:
        set_language(lang)
    before = current() if over else None
    if before is not None:
        db = before.db if db is None else db
        debug = before.debug if debug is None else debug
    try:
        ctx = AppContext(
            db=db or None,
            actor=before.actor if before is not None and actor is None else (actor or "").strip() or default_actor(),
            today=before.today if before is not None and today is None else parse_today(today),
            debug=bool(debug),
        )
    except LipctlError as exc:
        set_current(AppContext(debug=bool(debug)))
        raise fail(exc) from None
    set_current(ctx)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that every ``finally`` runs (temporary copies, transactions)."""

    exit_code = 143


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """Entry point of the console script and ``python -m lipctl``."""
    import signal

    from lipctl.errors import ExitCode
    from lipctl.output.pipe import OutputFailed

    signal.signal(signal.SIGTERM, _terminate)
    try:
        try:
            app()
        finally:
            from lipctl.output.pipe import flush

            flush()  # what is still buffered: a reader that went away is no error, the exit status stays
    except BrokenPipeError:  # stdout's reader went away (`| head -1`): end quietly, exit 0 (lipctl/output/pipe.py)
        from lipctl.output.pipe import end_quietly

        raise SystemExit(end_quietly()) from None
    except OutputFailed as exc:  # what was still buffered at the end could not be written (a full disk)
        from lipctl.commands._boundary import commits_so_far, output_failed

        sys.stderr.write(output_failed(exc.reason, stored=commits_so_far() > 0) + "\n")
        raise SystemExit(int(ExitCode.REFUSED)) from None
    except Exception as exc:  # outside any command's boundary (e.g. while starting up)
        if os.environ.get("LIPCTL_DEBUG") or "--debug" in sys.argv:
            raise
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            # help, usage or version text to a full disk: no command ran
            from lipctl.commands._boundary import output_failed
            from lipctl.output.pipe import silence_stdout

            silence_stdout()
            sys.stderr.write(output_failed(exc.strerror or str(exc), stored=False) + "\n")
            raise SystemExit(int(ExitCode.REFUSED)) from None
        sys.stderr.write(_("lipctl: unexpected error ({error}); run again with --debug").format(error=type(exc).__name__) + "\n")
        raise SystemExit(1) from None
