"""Benchmark: start-up of this tree against an earlier revision, run in interleaved pairs.

    python benchmarks/startup_pair.py 0edb4f9            # 30 pairs per command
    python benchmarks/startup_pair.py 0edb4f9 --runs 60

Each tree (this working tree, and the revision exported with ``git archive`` into a temporary
folder) runs on its own freshly seeded SQLite database (``lipctl init`` of that tree, so each has
its own schema), with its own bytecode cache folder, under the same interpreter and libraries. The
two commands alternate (old, new, then new, old, …), so that the machine's load weighs on both
alike; the figure to read is the median of the paired differences (new − old), beside each side's
median and minimum. Commands: ``--help``, ``contacts``, ``status --format json``.

This is a script, not a test: timings belong in a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["--help"], ["contacts"], ["status", "--format", "json"])
WARM_UP = 3


def export(revision: str, folder: Path) -> Path:
    """The tree of ``revision`` (git archive), unpacked into ``folder``."""
    archive = folder / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), revision], check=True)
    tree = folder / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def environment(tree: Path, work: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "LIPCTL_DB")}
    env.update(
        PYTHONPATH=str(tree),
        LIPCTL_DB=str(work / f"{name}.db"),
        LIPCTL_TODAY="2021-02-01",
        LIPCTL_LANG="en",
        PYTHONPYCACHEPREFIX=str(work / f"pycache-{name}"),
    )
    subprocess.run([sys.executable, "-m", "lipctl", "init"], env=env, cwd=tree, check=True, capture_output=True)
    return env


def run(tree: Path, env: dict[str, str], words: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lipctl", *words], env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--runs", type=int, default=30, help="pairs per command (default 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lipctl-pair-") as tmp:
        work = Path(tmp)
        trees = {"old": export(args.revision, work), "new": ROOT}
        envs = {name: environment(tree, work, name) for name, tree in trees.items()}
        print(f"{args.revision} (old) against this tree (new), {args.runs} interleaved pairs, ms")
        for words in COMMANDS:
            times: dict[str, list[float]] = {"old": [], "new": []}
            for i in range(args.runs + WARM_UP):
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for name in order:
                    took = run(trees[name], envs[name], words)
                    if i >= WARM_UP:
                        times[name].append(took)
            old, new = times["old"], times["new"]
            diff = statistics.median(b - a for a, b in zip(old, new, strict=True))
            print(
                f"lipctl {' '.join(words):22s} old {statistics.median(old):6.1f} (min {min(old):5.1f})"
                f"   new {statistics.median(new):6.1f} (min {min(new):5.1f})   new − old {diff:+5.1f}"
            )


if __name__ == "__main__":
    main()
