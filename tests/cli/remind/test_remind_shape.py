"""The shape of lipctl remind, without a clock: reading is a fixed number of queries however many drafts
are owed, and recording a sent mail costs the same statements however many items it holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import lipctl.services.reminders as svc
from lipctl.errors import ExitCode
from tests.cli.remind.conftest import MORNING, PLAIN


def _statements(run: Callable[[], object]) -> tuple[list[str], list[str]]:
    """(what the read path ran, what SQLAlchemy ran) during ``run``."""
    from sqlalchemy import Engine, event

    from lipctl.store import reader

    reads: list[str] = []
    writes: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        writes.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", listen)
    reader.listeners.append(lambda statement, _parameters: reads.append(" ".join(statement.split())))
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", listen)
        reader.listeners.clear()
    return reads, writes


def test_more_drafts_add_no_query_and_more_items_no_statement_per_mail(office, cli, smtp, make_env, monkeypatch) -> None:
    server = smtp(PLAIN)
    monkeypatch.setenv("LIPCTL_SMTP_URL", f"smtp://127.0.0.1:{server.port}")

    reads_one, writes_one = _statements(lambda: svc.send(make_env(), 7))
    assert len(server.mails) == 2  # one item each

    for field in ("soziales", "demokratie", "wirtschaft"):
        done = cli("--today", "2021-01-02", "draft", "submit", field, "--kind", "grundsatzpapier")
        assert done.exit_code == ExitCode.OK, done.stderr
    office["now"] = MORNING + dt.timedelta(days=1)
    reads_four, writes_four = _statements(lambda: svc.send(make_env(), 7))
    assert len(server.mails) == 4
    assert all(len(mail.get_content().split("- ")) > 4 for _f, _r, mail in server.mails[2:])  # four items each

    assert len(reads_four) == len(reads_one)
    assert len(writes_four) == len(writes_one)  # two mails each time: the same statements per mail
    assert sum("INSERT INTO reminders_sent" in s for s in writes_four) == 2  # one per mail, all its items at once
