"""``lipctl status`` for people: a rich layout on a terminal, plain text in a pipe, Markdown for e-mail.

Every layout fits 80 columns: cron mails and narrow terminals must not wrap mid-word.
"""

from __future__ import annotations

import sys
import textwrap
from typing import Any

from lipctl.i18n import _, ngettext
from lipctl.output.text import markdown as _md
from lipctl.output.text import visible
from lipctl.report import labels as lb

WIDTH = 80


def title(data: dict[str, Any], names: Any) -> str:
    return _("{process}: status as of {date}").format(process=names.process, date=lb.date(data["as_of"]))


def waiting_text(doc: dict[str, Any], names: Any) -> str:
    """What a document waits on: which opinions, the steering group, the committee, the expert group."""
    items = [lb.body_label(b, names.body_kinds) for b in doc["waiting_on"]]
    text = ", ".join(items) if items else "—"
    res = doc.get("last_resolution")
    if doc["state"] == "forwarded" and res and res["result"] in ("not_quorate", "deferred"):
        text += "; " + _("last vote: {result} ({date})").format(
            result=lb.result_label(res["result"]), date=lb.date(res["decided_on"])
        )
    late = doc.get("late_opinions") or []
    if late:
        text += "; " + _("late: {opinions}").format(
            opinions=", ".join(
                _("{body} (due {due}, received {received})").format(
                    body=lb.body_label(o["body"], names.body_kinds), due=lb.date(o["due"]), received=lb.date(o["received_on"])
                )
                for o in late
            )
        )
    return text


def state_text(doc: dict[str, Any]) -> str:
    return lb.state_label(doc["state"])


def overdue_text(item: dict[str, Any], names: Any) -> str:
    """One overdue item in words."""
    if item["kind"] == "opinion":
        return _("opinion of {body} on {ref} v{version}").format(body=item["body"], ref=item["ref"], version=item["version"])
    if item["kind"] == "information":
        return _("informing {body} about the state of the process").format(body=names.bodies.get(item["body"], item["body"]))
    name = names.milestones.get(item["milestone"], item["milestone"])
    if item["field"] is None:
        return name
    return _("{milestone}: {field}").format(milestone=name, field=names.fields.get(item["field"], item["field"]))


def information_text(item: dict[str, Any], names: Any) -> str:
    """When a body (the committee) was last informed about the state of the process, and when next."""
    body = names.bodies.get(item["body"], item["body"])
    if item["last_informed"] is None:
        text = _("{body} has not been informed yet").format(body=body)
    else:
        text = _("{body} was last informed on {date} (session {meeting})").format(
            body=body, date=lb.date(item["last_informed"]), meeting=item["meeting"]
        )
    if item["next_due"] is not None:
        text += "; " + (_("overdue since {date}") if item["overdue"] else _("next by {date}")).format(
            date=lb.date(item["next_due"])
        )
    return text


def milestone_state_label(state: str) -> str:
    """A milestone's state (lipctl.process.milestones.State) in words."""
    return {
        "met_on_time": _("met on time"),
        "met_late": _("met late"),
        "open": _("open"),
        "overdue": _("overdue"),
    }.get(state, state)


def milestone_state(item: dict[str, Any]) -> str:
    """A milestone's state in words: met on time, met late, open (with how many fields met it), overdue."""
    label = milestone_state_label(item["state"])
    if item["state"] in ("open", "overdue") and item["applies_to"] != "plan":
        met, total = len(item["met"]), len(item["met"]) + len(item["open"])
        label += " (" + _("{met} of {total} fields").format(met=met, total=total) + ")"
    return label


def milestone_due(item: dict[str, Any]) -> str:
    """A milestone's due date, or the words the seed gives instead; the original one beside a rescheduled date."""
    due = lb.date(item["due"]) if item["due"] is not None else (item["due_text"] or "—")
    if item.get("rescheduled"):
        original = lb.date(item["original_due"]) if item["original_due"] is not None else (item["due_text"] or "—")
        due += " (" + _("originally {due}").format(due=original) + ")"
    return due


def _plain_milestones(data: dict[str, Any], names: Any) -> list[str]:
    items = data.get("milestones") or []
    if not items:
        return []
    rows = [(names.milestones.get(i["milestone"], i["milestone"]), milestone_due(i), milestone_state(i)) for i in items]
    name_w = min(max(len(r[0]) for r in rows), 34)
    lines = [_("Milestones")]
    for name, due, state in rows:
        text = f"{due}: {state}"
        head = f"  {name.ljust(name_w)}  "
        if len(head) > WIDTH // 2:
            lines.append(f"  {name}")
            head = " " * (4 + 2)
        wrapped = textwrap.wrap(text, WIDTH - len(head), break_on_hyphens=False, break_long_words=False) or [""]
        lines.append(head + wrapped[0])
        lines.extend(" " * len(head) + more for more in wrapped[1:])
    return [*lines, ""]


def plan_text(data: dict[str, Any], names: Any) -> str | None:
    """The complete plan (Gesamtplan) in one line: its current version, state and whom it waits on; None
    for a status document without ``plan`` (older callers)."""
    plan = data.get("plan")
    if plan is None:
        return None
    if plan["version"] is None:
        return _("Complete plan: not submitted yet")
    return _("Complete plan: v{version} {state}, waiting on {waiting}").format(
        version=plan["version"],
        state=lb.state_label(plan["state"]),
        waiting=waiting_text({**plan, "last_resolution": None}, names),
    )


def _responses(n: int) -> str:
    return ngettext("{n} survey response", "{n} survey responses", n).format(n=lb.number(n))


# --- issue 18, survey rounds: answers not handed over yet, each survey's period and status ---------


def _field_responses(f: dict[str, Any]) -> str:
    """ "12 survey responses", with ", 3 not handed over" while some are not."""
    text = _responses(f["survey_responses"])
    if f.get("not_handed_over"):
        text += ", " + _("{n} not handed over").format(n=lb.number(f["not_handed_over"]))
    return text


def survey_lines(data: dict[str, Any]) -> list[str]:
    """One line per survey with a period: its name, round, period and status as of the status's day."""
    names = {"planned": _("planned"), "open": _("open"), "closed": _("closed")}
    lines = []
    for sv in data.get("surveys") or []:
        if sv["opens_on"] is None:
            continue
        label = sv["name"] if sv["round"] is None else _("{name} (round {n})").format(name=sv["name"], n=sv["round"])
        lines.append(
            _("Survey {survey}: {start} – {end}, {status}").format(
                survey=label, start=lb.date(sv["opens_on"]), end=lb.date(sv["closes_on"]), status=names[sv["status"]]
            )
        )
    return lines


def _version(doc: dict[str, Any]) -> str:
    return f"v{doc['version']}" if doc["version"] else "—"


def _days(doc: dict[str, Any]) -> str:
    return "" if doc["days_in_state"] is None else str(doc["days_in_state"])


def plain(data: dict[str, Any], names: Any) -> str:
    """Plain text for pipes and cron mail: no colour, no box characters, at most 80 columns."""
    kind_w = max([len(d["kind"]) for f in data["fields"] for d in f["documents"]] + [len(_("Document"))])
    state_w = max([len(state_text(d)) for f in data["fields"] for d in f["documents"]] + [len(_("State"))])
    ver_w = max([len(_version(d)) for f in data["fields"] for d in f["documents"]] + [len(_("Ver."))])
    days_w = max(len(_("Days")), 4)
    lead = 2 + kind_w + 2 + ver_w + 2 + state_w + 2 + days_w + 2
    wait_w = max(WIDTH - lead, 20)
    lines = [title(data, names), ""]
    header = "  " + "  ".join(
        [_("Document").ljust(kind_w), _("Ver.").ljust(ver_w), _("State").ljust(state_w), _("Days").rjust(days_w), _("Waiting on")]
    )
    lines.append(header)
    for f in data["fields"]:
        lines.append("")
        lines.append(f"{lb.field_name(f)} — {_field_responses(f)}")
        for d in f["documents"]:
            wrapped = textwrap.wrap(waiting_text(d, names), wait_w, break_on_hyphens=False, break_long_words=False) or [""]
            lines.append(
                "  "
                + "  ".join(
                    [
                        d["kind"].ljust(kind_w),
                        _version(d).ljust(ver_w),
                        state_text(d).ljust(state_w),
                        _days(d).rjust(days_w),
                        wrapped[0],
                    ]
                )
            )
            lines.extend(" " * lead + more for more in wrapped[1:])
    lines.append("")
    if (line := plan_text(data, names)) is not None:
        lines.extend([line, ""])
    lines.extend([*survey_lines(data), ""] if survey_lines(data) else [])  # issue 18
    lines.extend(_plain_milestones(data, names))
    lines.extend([*(information_text(i, names) for i in data.get("information") or []), ""] if data.get("information") else [])
    lines.extend(_plain_overdue(data, names))
    return visible("\n".join(line.rstrip() for line in lines) + "\n")


def _plain_overdue(data: dict[str, Any], names: Any) -> list[str]:
    items = data["overdue"]
    if not items:
        return [_("Nothing is overdue.")]
    lines = [ngettext("Overdue: {n} item", "Overdue: {n} items", len(items)).format(n=len(items))]
    due_w = max(len(lb.date(i["due"])) for i in items)
    for i in items:
        late = lb.days(i["days_overdue"])
        head = f"  {lb.date(i['due']).ljust(due_w)}  "
        text = f"{overdue_text(i, names)} ({_('{days} late').format(days=late)})"
        wrapped = textwrap.wrap(text, WIDTH - len(head), break_on_hyphens=False, break_long_words=False) or [""]
        lines.append(head + wrapped[0])
        lines.extend(" " * len(head) + more for more in wrapped[1:])
    return lines


def markdown(data: dict[str, Any], names: Any) -> str:
    """Markdown ready to paste into an e-mail."""
    out = [f"# {_md(title(data, names))}", ""]
    out += [
        "| "
        + " | ".join([_("Action field"), _("Document"), _("Version"), _("State"), _("Days in state"), _("Waiting on")])
        + " |",
        "|---|---|---|---|--:|---|",
    ]
    for f in data["fields"]:
        for n, d in enumerate(f["documents"]):
            out.append(
                "| "
                + " | ".join(
                    _md(x)
                    for x in [
                        lb.field_name(f) if n == 0 else "",
                        d["kind"],
                        _version(d),
                        state_text(d),
                        _days(d),
                        waiting_text(d, names),
                    ]
                )
                + " |"
            )
    out += ["", f"## {_('Survey responses')}", "", "| " + _("Action field") + " | " + _("Responses") + " |", "|---|--:|"]
    for f in data["fields"]:
        out.append(f"| {_md(lb.field_name(f))} | {lb.number(f['survey_responses'])} |")
    if (line := plan_text(data, names)) is not None:
        out += ["", _md(line)]
    out += ["", *(_md(x) for x in survey_lines(data))] if survey_lines(data) else []  # issue 18
    if data.get("milestones"):
        out += ["", f"## {_('Milestones')}", ""]
        out += ["| " + " | ".join([_("Milestone"), _("Due"), _("Status")]) + " |", "|---|---|---|"]
        for i in data["milestones"]:
            name = names.milestones.get(i["milestone"], i["milestone"])
            out.append(f"| {_md(name)} | {_md(milestone_due(i))} | {_md(milestone_state(i))} |")
    for i in data.get("information") or []:
        out += ["", _md(information_text(i, names))]
    out += ["", f"## {_('Overdue')}", ""]
    if not data["overdue"]:
        out.append(_("Nothing is overdue."))
    else:
        out += ["| " + " | ".join([_("Due"), _("What"), _("Late")]) + " |", "|---|---|--:|"]
        for i in data["overdue"]:
            out.append(f"| {lb.date(i['due'])} | {_md(overdue_text(i, names))} | {lb.days(i['days_overdue'])} |")
    return "\n".join(out) + "\n"


def _widths(data: dict[str, Any]) -> tuple[int, int, int, int]:
    docs = [d for f in data["fields"] for d in f["documents"]]
    return (
        max([len(d["kind"]) for d in docs] + [len(_("Document"))]),
        max([len(_version(d)) for d in docs] + [len(_("Ver."))]),
        max([len(state_text(d)) for d in docs] + [len(_("State"))]),
        max(len(_("Days")), 4),
    )


def rich(data: dict[str, Any], names: Any) -> None:
    """A rich layout for a terminal, at most 80 columns wide: one block per action field, aligned columns."""
    from rich import box
    from rich.table import Table

    from lipctl.output.tables import console

    out = console()
    out.width = min(out.width, WIDTH)
    kind_w, ver_w, state_w, days_w = _widths(data)
    style = {"adopted": "green", "rejected": "red", "returned": "yellow", None: "dim"}
    out.print(f"[bold]{_esc(title(data, names))}[/bold]")
    for n, f in enumerate(data["fields"]):
        out.print()
        out.print(f"[bold cyan]{_esc(lb.field_name(f))}[/bold cyan] [dim]· {_esc(_field_responses(f))}[/dim]")
        table = Table(box=box.SIMPLE_HEAD, show_header=n == 0, pad_edge=False, padding=(0, 0), show_edge=False, expand=True)
        table.add_column(_("Document"), width=kind_w + 2, no_wrap=True)
        table.add_column(_("Ver."), width=ver_w, no_wrap=True)
        table.add_column(_("State"), width=state_w, no_wrap=True)
        table.add_column(_("Days"), width=days_w, justify="right", no_wrap=True)
        table.add_column(_("Waiting on"), overflow="fold", ratio=1)
        for d in f["documents"]:
            st = style.get(d["state"], "")
            table.add_row(
                "  " + _esc(d["kind"]),
                _esc(_version(d)),
                f"[{st}]{_esc(state_text(d))}[/{st}]" if st else _esc(state_text(d)),
                _esc(_days(d)),
                _esc(waiting_text(d, names)),
            )
        out.print(table)
    out.print()
    if (line := plan_text(data, names)) is not None:
        out.print(f"[bold]{_esc(line)}[/bold]")
        out.print()
    for line in survey_lines(data):  # issue 18
        out.print(_esc(line))
    if data.get("milestones"):
        out.print(f"[bold]{_esc(_('Milestones'))}[/bold]")
        mst = Table(box=box.SIMPLE_HEAD, show_header=False, pad_edge=False, show_edge=False, expand=True)
        mst.add_column(_("Milestone"), overflow="fold", ratio=1)
        mst.add_column(_("Due"), overflow="fold", ratio=1)
        mst.add_column(_("Status"), overflow="fold")
        for i in data["milestones"]:
            st = {"met_on_time": "green", "met_late": "yellow", "overdue": "red"}.get(i["state"], "")
            state = _esc(milestone_state(i))
            mst.add_row(
                "  " + _esc(names.milestones.get(i["milestone"], i["milestone"])),
                _esc(milestone_due(i)),
                f"[{st}]{state}[/{st}]" if st else state,
            )
        out.print(mst)
        out.print()
    for i in data.get("information") or []:
        out.print(_esc(information_text(i, names)))
        out.print()
    items = data["overdue"]
    if not items:
        out.print("[green]" + _esc(_("Nothing is overdue.")) + "[/green]")
        return
    heading = ngettext("Overdue: {n} item", "Overdue: {n} items", len(items)).format(n=len(items))
    out.print(f"[bold red]{_esc(heading)}[/bold red]")
    over = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    over.add_column(_("Due"), no_wrap=True)
    over.add_column(_("What"), overflow="fold", ratio=1)
    over.add_column(_("Late"), justify="right", no_wrap=True)
    for i in items:
        over.add_row(_esc(lb.date(i["due"])), _esc(overdue_text(i, names)), _esc(lb.days(i["days_overdue"])))
    out.print(over)


def _esc(text: str) -> str:
    from lipctl.output.tables import markup_escape

    return markup_escape(text)


def document_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per document, for CSV."""
    return [
        {
            "field": f["slug"],
            "kind": d["kind"],
            "draft": d["draft"],
            "version": d["version"],
            "state": d["state"],
            "since": d["since"],
            "days_in_state": d["days_in_state"],
            "waiting_on": " ".join(d["waiting_on"]),
            "survey_responses": f["survey_responses"],
        }
        for f in data["fields"]
        for d in f["documents"]
    ]


def write(data: dict[str, Any], names: Any, fmt: str) -> None:
    """Write the status in ``fmt`` to stdout: JSON (the whole document), CSV (a row per document), Markdown, or a table."""
    from lipctl.output.pipe import guarded

    with guarded():  # `| head -1`: the output ends quietly, --fail-on-overdue still sets the exit status
        _write(data, names, fmt)


def _write(data: dict[str, Any], names: Any, fmt: str) -> None:
    from lipctl.output.emit import Column, emit, stdout_is_terminal

    if fmt in ("json", "csv"):
        rows = document_rows(data)
        emit(data, fmt, [Column(k, k) for k in (rows[0] if rows else {"field": None})], rows=rows)
    elif fmt == "markdown":
        sys.stdout.write(markdown(data, names))
    elif stdout_is_terminal():
        rich(data, names)
    else:
        sys.stdout.write(plain(data, names))
