"""Hypothesis fuzzing of the two kinds of files lipctl reads: seed YAML and survey CSV.

Per example a fresh copy of a seeded database; the command runs in-process. Invariants: exit
0 or 1 (imports also 3), never a traceback, never the 'unexpected error' of the last line of
defence (a crash), and a refused file changes nothing. Examples per target: LIPCTL_FUZZ_EXAMPLES
(default 60 in CI); each target prints its figures.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lipctl.errors import ExitCode
from tests.helpers import snapshot
from tests.reliability.conftest import SEED
from tests.stress import _harness as h

EXAMPLES = int(os.environ.get("LIPCTL_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEED_DATA = yaml.safe_load(SEED.read_text(encoding="utf-8"))
SEED_TEXT = SEED.read_text(encoding="utf-8")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "bildung", "nkomvg", "runder-tisch", "2021-13-45", "2021-02-01", "-1", "x" * 5000, "null", "~", "{}", "[]"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


class Tally:
    """Figures of one fuzz target."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tried = 0
        self.by_exit: dict[int, int] = {}
        self.crashes: list[str] = []
        self.tracebacks = 0

    def add(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.tried += 1
        self.by_exit[exit_code] = self.by_exit.get(exit_code, 0) + 1
        if "Traceback" in stdout + stderr:
            self.tracebacks += 1
        if "unexpected error" in stderr:
            self.crashes.append(stderr.strip()[:300])

    def show(self, capsys: pytest.CaptureFixture[str]) -> None:
        with capsys.disabled():
            h.print_figures(
                f"fuzz: {self.name}",
                {
                    "examples_tried": self.tried,
                    "by_exit_code": dict(sorted(self.by_exit.items())),
                    "crashes": len(self.crashes),
                    "tracebacks_shown": self.tracebacks,
                },
            )


def _mutate(data: Any, draw: Any) -> Any:
    """One random change somewhere in the seed: delete, replace, duplicate, rename or re-text."""
    node = data
    path: list[Any] = []
    while isinstance(node, (dict, list)) and node and (not path or draw(st.integers(0, 3)) > 0):  # mostly deep, near the leaves
        key = draw(st.sampled_from(list(node.keys()) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        if not isinstance(node[key], (dict, list)) or not node[key]:
            break
        node = node[key]
    if not path:
        return draw(values)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    op = draw(st.sampled_from(["delete", "replace", "replace", "duplicate", "rename", "retext", "retext"]))
    if op == "retext" and isinstance(parent[key], str):
        parent[key] = draw(st.text(min_size=1, max_size=40))  # a plausible edit: often accepted
    elif op == "delete":
        del parent[key]
    elif op == "replace":
        parent[key] = draw(values)
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif op == "rename" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
    else:
        parent[key] = draw(values)
    return data


def _run_seed(cli, template_db: Path, folder: Path, content: bytes, tally: Tally) -> None:  # noqa: ANN001
    db = folder / "fuzz.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template_db, db)
    seed = folder / "seed.yaml"
    seed.write_bytes(content)
    before = snapshot(db)
    result = cli("--db", str(db), "init", "--seed", str(seed))
    tally.add(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected error" not in result.stderr, result.stderr
    assert result.exit_code in (ExitCode.OK, ExitCode.REFUSED), result.stderr
    if result.exit_code == ExitCode.REFUSED:
        assert result.stderr.startswith("lipctl: ")
        assert snapshot(db) == before, "a refused seed changed the database"


def test_fuzz_seed_structure(cli, template_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped seed with 1–3 random changes (keys deleted or renamed, values of any type)."""
    tally = Tally("seed.yaml with random changes -> lipctl init --seed")

    @SETTINGS
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seed = copy.deepcopy(SEED_DATA)
        for _ in range(data.draw(st.integers(1, 3))):
            seed = _mutate(seed, data.draw)
        try:
            content = yaml.safe_dump(seed, allow_unicode=True, sort_keys=False).encode("utf-8")
        except (yaml.YAMLError, ValueError):
            return
        _run_seed(cli, template_db, tmp_path, content, tally)

    try:
        run()
    finally:
        tally.show(capsys)


def test_fuzz_seed_text(cli, template_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seed's text cut, spliced and garbled; random YAML documents; random bytes."""
    tally = Tally("seed text mutations and random YAML/bytes -> lipctl init --seed")

    text_edits = st.tuples(st.integers(0, len(SEED_TEXT)), st.integers(0, 200), st.text(max_size=40))

    @st.composite
    def documents(draw: Any) -> bytes:
        kind = draw(st.sampled_from(["splice", "splice", "yaml", "bytes", "lines"]))
        if kind == "splice":
            text = SEED_TEXT
            for start, length, insert in draw(st.lists(text_edits, min_size=1, max_size=4)):
                text = text[:start] + insert + text[start + length :]
            return text.encode("utf-8", errors="surrogatepass")
        if kind == "lines":
            lines = SEED_TEXT.splitlines(keepends=True)
            order = draw(st.permutations(range(len(lines))))
            keep = draw(st.integers(0, len(lines)))
            return "".join(lines[i] for i in order[:keep]).encode("utf-8")
        if kind == "yaml":
            value = draw(values)
            if draw(st.booleans()):
                value = {"format": 1, **(value if isinstance(value, dict) else {"process": value})}
            return yaml.safe_dump(value, allow_unicode=True).encode("utf-8", errors="surrogatepass")
        return draw(st.binary(max_size=2000))

    @SETTINGS
    @given(documents())
    def run(content: bytes) -> None:
        _run_seed(cli, template_db, tmp_path, content, tally)

    try:
        run()
    finally:
        tally.show(capsys)


cells = st.one_of(
    st.sampled_from(
        [
            "bildung",
            "Bildung",
            "Stadtleben",
            "Kultur",
            "nofield",
            "",
            " ",
            "-oth-",
            '"',
            '""',
            ";",
            ",",
            "\n",
            "\r\n",
            "\t",
            "\x00",
            "\ufeff",
            "2020-06-15 10:00",
            "15.06.2020",
            "31.02.2020",
            "2020-06-15T10:00:00+02:00",
            '=HYPERLINK("x")',
            "x" * 20_000,
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def csv_files(draw: Any) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=3000))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(
        st.sampled_from(
            [
                ["id", "submitted_at", "action_field", "text"],
                ["id", "submitdate", "lastpage", "startlanguage", "handlungsfeld", "text"],
                ["Answer ID", "Answered on", "IP Hash", "User status", "1. Handlungsfeld", "3. Text"],
            ]
        )
    )
    if draw(st.booleans()):
        header = [draw(st.one_of(st.just(c), cells)) for c in header]
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 2), max_size=12))

    def quote(cell: str) -> str:
        if draw(st.integers(0, 7)) == 0:
            return cell  # sometimes unquoted, whatever it contains
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in (delimiter, '"', "\n", "\r")) else cell

    text = "\r\n".join(delimiter.join(quote(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def test_fuzz_survey_csv(cli, template_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Random survey exports: any delimiter, quoting, encoding, ragged rows, hostile cells."""
    tally = Tally("random CSV -> lipctl survey import")
    from lipctl.store import schema  # noqa: F401  (imported here so the first example is not slower)

    @SETTINGS
    @given(csv_files())
    def run(content: bytes) -> None:
        db = tmp_path / "fuzz.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template_db, db)
        path = tmp_path / "export.csv"
        path.write_bytes(content)
        before = snapshot(db)
        result = cli("--db", str(db), "survey", "import", str(path), "--survey", "Fuzz", "--format", "json")
        tally.add(result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        assert "unexpected error" not in result.stderr, result.stderr
        assert result.exit_code in (ExitCode.OK, ExitCode.REFUSED, ExitCode.IMPORT_REJECTED_ROWS), result.stderr
        if result.exit_code == ExitCode.REFUSED:
            assert snapshot(db) == before, "a refused file changed the database"
        else:
            import json
            import sqlite3

            report = json.loads(result.stdout)
            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM survey_responses").fetchone()[0]
            assert stored == report["imported"]

    try:
        run()
    finally:
        tally.show(capsys)


def test_found_by_fuzzing_a_list_as_a_decision_step(fresh_db: Path, cli, isolated: Path) -> None:
    """Was a crash (TypeError: unhashable type) before lipctl.process.definition checked the type."""
    seed = copy.deepcopy(SEED_DATA)
    seed["decision_chain"]["document"] = [[]]
    path = isolated / "nested.yaml"
    path.write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
    before = snapshot(fresh_db)
    result = cli("init", "--seed", str(path))
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr.strip()
        == f"lipctl: {path}: decision_chain.document[0]: no body [] — fix the seed file and run 'lipctl init' again"
    )
    assert snapshot(fresh_db) == before
