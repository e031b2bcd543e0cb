"""A throwaway PostgreSQL server for the test suite, from the initdb/pg_ctl binaries.

PostgreSQL refuses to run as root, so when the tests run as root (as CI does) the server runs
as the unprivileged ``nobody`` user. It listens only on a unix socket in a temporary folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@dataclass
class PgServer:
    root: Path
    socket_dir: Path
    user: str = "lipctl"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        pg_ctl = find_bin("pg_ctl")
        if pg_ctl:
            _run([pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _demote():  # noqa: ANN202
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")

    def set_ids() -> None:
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    return set_ids


def _run(cmd: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, preexec_fn=_demote(), capture_output=True, text=True, check=check, timeout=120, cwd="/")  # noqa: PLW1509


def start() -> PgServer:
    """Start a server; raises RuntimeError with the reason when it cannot."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL's initdb/pg_ctl are not installed")
    root = Path(tempfile.mkdtemp(prefix="lippg-", dir="/tmp"))
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    server = PgServer(root=root, socket_dir=root)
    try:
        _run([initdb, "-D", str(root / "data"), "-U", server.user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        opts = f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        _run([pg_ctl, "-D", str(root / "data"), "-o", opts, "-l", str(root / "log"), "-w", "-t", "60", "start"])
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.strip()} {log[-500:]}") from None
    return server
