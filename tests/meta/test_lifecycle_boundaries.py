"""The lifecycle rules stay pure, and the lifecycle commands start without the database libraries."""

from __future__ import annotations

import subprocess
import sys


def test_the_rules_import_no_infrastructure() -> None:
    code = "import sys, lipctl.process.lifecycle; print(sorted(m for m in ('sqlalchemy', 'typer', 'rich', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_of_the_lifecycle_commands_does_not_import_sqlalchemy() -> None:
    for group in ("draft", "opinion", "steering"):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "lipctl", group, "--help"], check=False, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr[-500:]
        imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
        assert not {m for m in imported if m.split(".")[0] == "sqlalchemy"}, group
        assert "lipctl.services.drafts" not in imported
