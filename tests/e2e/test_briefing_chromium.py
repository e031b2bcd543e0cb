"""The HTML briefing opened in a real headless Chromium (Debian's ``chromium`` package).

Chromium renders the first page to a PNG (A4 at 150 dpi: 1240 × 1754), writes its log to stderr
(console messages appear as ``CONSOLE``) and a NetLog of every request it starts. The page must
log nothing to the console and start no request that leaves the file. A second test feeds the
same checks a page that breaks both rules, so they are known to catch it.

Chromium is installed by the test when it is absent, as root, and only where CI or
LIPCTL_INSTALL_CHROMIUM is set; elsewhere the tests skip with the reason. Set
LIPCTL_SCREENSHOT_DIR to keep the screenshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from lipctl.errors import ExitCode

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 1240, 1754


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not (os.environ.get("CI") or os.environ.get("LIPCTL_INSTALL_CHROMIUM")):
        pytest.skip("chromium is not installed; run as root with CI=1 or LIPCTL_INSTALL_CHROMIUM=1 to let the test install it")
    if not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and there is no apt-get to install it with")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot install chromium ({' '.join(cmd)}): {(done.stderr or done.stdout).strip()[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed chromium, but there is no chromium command")
    return found


def open_in_chromium(exe: str, page: Path, work: Path) -> tuple[Path, list[str], list[str]]:
    """Screenshot ``page``; return the PNG, the console lines, and the URLs the page requested from the network."""
    png, netlog = work / "first-page.png", work / "netlog.json"
    done = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={work / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            f"--log-net-log={netlog}",
            f"--screenshot={png}",
            f"--window-size={WIDTH},{HEIGHT}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return png, console, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs of network requests made on behalf of a file:// page (Chromium's own update pings are not the page's)."""
    text = netlog.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        for_the_page = event["type"] == start and "file://" in str(params.get("network_isolation_key", ""))
        if for_the_page and not str(params.get("url", "")).startswith(("file:", "data:")):
            urls.append(params["url"])
    return urls


def png_facts(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the image data (a blank page has very few)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_briefing_renders_in_chromium_offline_and_without_errors(chromium: str, seeded, story, tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    assert seeded("report", "--output", str(page)).exit_code == ExitCode.OK
    png, console, requests = open_in_chromium(chromium, page, tmp_path)
    assert console == []
    assert requests == []
    width, height, variety = png_facts(png)
    assert (width, height) == (WIDTH, HEIGHT)
    assert variety > 100, "the first page looks blank"
    # Printed, it is A4 (595 × 842 pt) and a few pages long.
    pdf = tmp_path / "briefing.pdf"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 595, 842)}
    assert 2 <= len(re.findall(rb"/Type\s*/Page[^s]", data)) <= 6
    if os.environ.get("LIPCTL_SCREENSHOT_DIR"):
        shutil.copy(png, Path(os.environ["LIPCTL_SCREENSHOT_DIR"]) / "briefing-first-page.png")


def test_the_checks_catch_console_errors_and_network_requests(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.example.invalid/f.css"></head>'
        '<body><img src="http://example.invalid/x.png"><script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    _png, console, requests = open_in_chromium(chromium, page, tmp_path)
    assert any('"boom"' in line for line in console)
    assert sorted(requests) == ["http://example.invalid/x.png", "https://fonts.example.invalid/f.css"]
