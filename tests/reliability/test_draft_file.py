"""draft file REF [--output PATH|-] (issue 19): a stored document back, checked against its SHA-256, on both stores."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.files import inputs
from tests.helpers import damage_stored_chunk, damaged

SUBMIT = ("draft", "submit", "bildung", "--kind", "grundsatzpapier")
REF = "bildung/grundsatzpapier"


@pytest.fixture
def kept(db_url: str, cli, isolated: Path) -> bytes:
    """A version submitted with a 2 MB document (more than one chunk on PostgreSQL)."""
    assert cli("init").exit_code == ExitCode.OK
    data = os.urandom(2 * inputs.MB + 17)
    (isolated / "grundsatzpapier.pdf").write_bytes(data)
    assert cli(*SUBMIT, "--file", str(isolated / "grundsatzpapier.pdf")).exit_code == ExitCode.OK
    return data


def test_to_a_file_by_its_own_name_or_a_named_one(kept: bytes, cli, isolated: Path, monkeypatch) -> None:
    here = isolated / "out"
    here.mkdir()
    monkeypatch.chdir(here)
    result = cli("draft", "file", REF)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert (here / "grundsatzpapier.pdf").read_bytes() == kept
    sha = hashlib.sha256(kept).hexdigest()
    assert f"SHA-256 {sha} checked, written to {here / 'grundsatzpapier.pdf'}" in result.stderr
    assert (here / "grundsatzpapier.pdf").stat().st_mode & 0o777 == 0o600
    named = cli("draft", "file", "1", "--output", str(isolated / "kopie.pdf"))
    assert named.exit_code == ExitCode.OK and (isolated / "kopie.pdf").read_bytes() == kept


def test_to_stdout(kept: bytes, cli) -> None:
    result = cli("draft", "file", REF, "--output", "-")
    assert result.exit_code == ExitCode.OK
    assert result.stdout_bytes == kept


def test_an_existing_file_needs_force(kept: bytes, cli, isolated: Path) -> None:
    target = isolated / "da.pdf"
    target.write_bytes(b"mine")
    refused = cli("draft", "file", REF, "--output", str(target))
    assert refused.exit_code == ExitCode.REFUSED
    assert "already exists — choose another path, or add --force to replace it" in refused.stderr
    assert target.read_bytes() == b"mine"
    assert cli("draft", "file", REF, "--output", str(target), "--force").exit_code == ExitCode.OK
    assert target.read_bytes() == kept


def test_a_damaged_document_leaves_nothing(kept: bytes, db_url: str, cli, isolated: Path) -> None:
    if "://" not in db_url:
        [copy] = [p for p in (Path(db_url).parent / "files").iterdir() if not p.name.startswith(".")]
        copy.write_bytes(damaged(kept))
    else:
        damage_stored_chunk(db_url, 1)
    target = isolated / "kaputt.pdf"
    result = cli("draft", "file", REF, "--output", str(target))
    assert result.exit_code == ExitCode.REFUSED
    assert "does not match its SHA-256" in result.stderr
    assert not target.exists()
    assert not [p for p in isolated.iterdir() if p.name.startswith(".lipctl-")]


def test_refusals(kept: bytes, db_url: str, cli, isolated: Path) -> None:
    assert cli("draft", "submit", "soziales", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    none = cli("draft", "file", "soziales/grundsatzpapier", "--output", str(isolated / "x.pdf"))
    assert none.exit_code == ExitCode.REFUSED and "has no stored document" in none.stderr
    assert not (isolated / "x.pdf").exists()
    missing = cli("draft", "file", "99", "--output", str(isolated / "y.pdf"))
    assert missing.exit_code == ExitCode.REFUSED and "no draft with id 99" in missing.stderr
    folder = cli("draft", "file", REF, "--output", str(isolated))
    assert folder.exit_code == ExitCode.REFUSED and "is a folder" in folder.stderr
    if "://" not in db_url:
        itself = cli("draft", "file", REF, "--output", db_url, "--force")
        assert itself.exit_code == ExitCode.REFUSED and "is the database itself" in itself.stderr
