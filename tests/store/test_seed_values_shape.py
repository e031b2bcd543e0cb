"""The shape of init's three-way rule (issue 18), without a clock: the values the seed last applied are read
with one statement, and only the values that changed are written, one statement each — however many the
seed sets (about ninety for the shipped seed). SQLite's trace callback sees every statement run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event
from sqlalchemy.pool import Pool

from lipctl.services.seed import default_seed_path


@pytest.fixture
def traced() -> Iterator[list[str]]:
    """Every SQL statement the sqlite3 driver runs while the test runs."""
    seen: list[str] = []

    def on_connect(dbapi_conn: object, _record: object) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(seen.append)

    event.listen(Pool, "connect", on_connect)
    try:
        yield seen
    finally:
        event.remove(Pool, "connect", on_connect)


def _on_seed_values(seen: list[str]) -> tuple[int, int]:
    reads = sum(1 for sql in seen if "seed_values" in sql and sql.lstrip().upper().startswith("SELECT"))
    writes = sum(1 for sql in seen if "seed_values" in sql and sql.lstrip().upper().startswith(("INSERT", "UPDATE")))
    return reads, writes


def test_init_reads_the_recorded_values_once_and_writes_only_what_changed(seeded, traced: list[str], tmp_path: Path) -> None:
    traced.clear()
    assert seeded.json("init")["changes"] == []
    assert _on_seed_values(traced) == (1, 0)

    data = yaml.safe_load(default_seed_path().read_text(encoding="utf-8"))
    for f in data["action_fields"][:3]:
        f["contact"]["phone"] = "0511 168-0"
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    traced.clear()
    assert len(seeded.json("init", "--seed", path)["changes"]) == 3
    assert _on_seed_values(traced) == (1, 3)
