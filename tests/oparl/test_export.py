"""lipctl oparl export: a valid OParl 1.1 tree, walked like a client, written atomically, nothing personal."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lipctl.errors import ExitCode
from tests.helpers import snapshot
from tests.oparl.oparl_check import check_tree, embedded, is_list, load_tree, type_name

BASE = "http://localhost:8000/oparl/"
ACTOR = "Erika Geheimname"
SECRETS = [ACTOR, "Streng vertrauliche Einschätzung", "Zweiter Meinungstext", "Vertraulicher Grund", "Zählfehler", "Eilbeschluss"]
DOCUMENT = b"%PDF-1.4 Grundsatzpapier Bildung"
PLAN = b"%PDF-1.4 Lokaler Integrationsplan 2.0"
REPORT = b"%PDF-1.4 Bericht zum Stand"
COMMITTEE = "internationaler-ausschuss"


def run(cli: Any, *args: str) -> Any:
    result = cli("--actor", ACTOR, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


@pytest.fixture
def recorded(cli: Any, isolated: Path) -> Any:
    """A process with a bit of everything: a stored document, opinions (one withdrawn), a steering
    decision, a voided and a valid tally on one day, superseded and withdrawn versions, the council's vote."""
    run(cli, "init")
    doc = isolated / "grundsatz.pdf"
    doc.write_bytes(DOCUMENT)
    run(cli, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(doc), "--date", "2020-09-01")
    ref = "bildung/grundsatzpapier"
    opinion = ["opinion", "record", ref, "--from"]
    run(cli, *opinion, "integrationsbeiraete", "--stance", "approve", "--text", SECRETS[1], "--date", "2020-09-10")
    run(cli, *opinion, "runder-tisch", "--stance", "amend", "--text", SECRETS[2], "--date", "2020-09-11")
    run(cli, "steering", "decide", ref, "--forward", "--reason", SECRETS[3], "--date", "2020-09-20")
    tally = ["--present", "12", "--members", "15", "--abstain", "0", "--date", "2020-10-01"]
    run(cli, "committee", "tally", ref, "--yes", "3", "--no", "9", *tally)
    run(cli, "committee", "void", "1", "--reason", SECRETS[4])
    run(cli, "committee", "tally", ref, "--yes", "9", "--no", "3", *tally, "--drucksache", "1234/2020")
    run(cli, "draft", "submit", "soziales", "--kind", "grundsatzpapier", "--date", "2020-09-02")
    other = "soziales/grundsatzpapier"
    run(
        cli,
        "opinion",
        "record",
        other,
        "--from",
        "integrationsbeiraete",
        "--stance",
        "reject",
        "--text",
        "x",
        "--date",
        "2020-09-12",
    )
    run(cli, "opinion", "withdraw", "3", "--reason", "falsch zugeordnet")
    run(cli, "draft", "submit", "soziales", "--kind", "grundsatzpapier", "--date", "2020-09-15")
    run(cli, "draft", "submit", "soziales", "--kind", "grundsatzpapier", "--date", "2020-09-16")
    run(cli, "draft", "withdraw", "soziales/grundsatzpapier", "--version", "3", "--reason", "doppelt eingereicht")
    # The complete plan (a document with its file) through the committee, then the council.
    plan = isolated / "lip.pdf"
    plan.write_bytes(PLAN)
    run(
        cli,
        "draft",
        "submit",
        "plan",
        "--file",
        str(plan),
        "--date",
        "2021-01-04",
        "--without-all-fields",
        "--reason",
        SECRETS[5],
    )
    for body in ("integrationsbeiraete", "runder-tisch"):
        run(cli, "opinion", "record", "plan", "--from", body, "--stance", "approve", "--text", "ok", "--date", "2021-01-05")
    run(cli, "steering", "decide", "plan", "--forward", "--reason", SECRETS[3], "--date", "2021-01-06")
    committee = ["--yes", "9", "--no", "4", "--abstain", "1", "--present", "14", "--members", "15"]
    run(cli, "committee", "tally", "plan", *committee, "--drucksache", "0999/2021", "--date", "2021-01-12")
    run(cli, "body", "edit", "rat", "--seats", "65", "--from", "2016-11-01")
    council = ["--yes", "40", "--no", "10", "--abstain", "3", "--present", "53"]
    run(cli, "council", "tally", *council, "--drucksache", "0999/2021", "--date", "2021-01-20")
    # Sessions: a deferral without counts, an item not quorate and its second convocation, an information.
    ref = "demokratie/grundsatzpapier"
    run(cli, "draft", "submit", "demokratie", "--kind", "grundsatzpapier", "--date", "2021-01-02")
    run(cli, "steering", "decide", ref, "--forward", "--without-opinions", "--reason", SECRETS[3], "--date", "2021-01-10")
    deferred = schedule(cli, "--date", "2021-01-14")
    run(cli, "committee", "tally", ref, "--meeting", deferred, "--defer", "--members", "15")
    first = schedule(cli, "--date", "2021-01-20", "--start", "16:00", "--location", "Hodlersaal", "--invited-on", "2021-01-11")
    run(cli, "meeting", "agenda", first, ref, "--number", "5.1", "--drucksache", "0142/2021")
    five = ["--yes", "3", "--no", "1", "--abstain", "1", "--present", "5", "--members", "15"]
    run(cli, "committee", "tally", ref, "--meeting", first, *five)
    report = isolated / "bericht.pdf"
    report.write_bytes(REPORT)
    run(cli, "committee", "inform", "--meeting", first, "--drucksache", "H-0001/2021", "--file", str(report))
    second = schedule(cli, "--date", "2021-01-28", "--second-convocation-of", first)
    four = ["--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", "--members", "15"]
    run(cli, "committee", "tally", ref, "--meeting", second, *four)
    # A roster: a chair, a voting member, an advisory member who left.
    run(cli, "member", "add", COMMITTEE, "Anna Vorsitzende", "--role", "chair", "--from", "2021-01-30")
    run(cli, "member", "add", COMMITTEE, "Berta Mitglied", "--from", "2021-01-30")
    run(cli, "member", "add", COMMITTEE, "Carl Berater", "--advisory", "--from", "2021-01-30")
    run(cli, "member", "end", COMMITTEE, "Carl Berater", "--on", "2021-01-31")
    return cli


def schedule(cli: Any, *args: str) -> str:
    return str(json.loads(run(cli, "meeting", "schedule", COMMITTEE, *args, "--format", "json").stdout)["id"])


def export(cli: Any, out: Path, *extra: str, base: str = BASE) -> dict[str, Any]:
    result = cli("oparl", "export", "--output", str(out), "--base-url", base, *extra, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def objects(tree: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for path, o in tree.items() if not is_list(o) and type_name(o) == kind]


def test_every_object_is_valid_and_every_url_resolves(db_url: str, recorded: Any, tmp_path: Path) -> None:
    before = snapshot()
    out = tmp_path / "oparl"
    result = export(recorded, out, "--with-files")
    assert snapshot() == before  # an export reads only
    counts = check_tree(out, BASE)
    assert result["counts"] == counts
    assert result["entry"] == BASE + "system.json"
    # 6 versions (the plan's one), Drucksachen 2472/2019, 1234/2020, 0999/2021, 0142/2021, H-0001/2021
    assert counts["Paper"] == 11
    assert counts["Meeting"] == 6 and counts["AgendaItem"] == 7 and counts["File"] == 3 and counts["Location"] == 1

    tree = load_tree(out)
    assert tree["system.json"]["oparlVersion"] == "https://schema.oparl.org/1.1/"
    [body] = tree["body.json"]["data"]
    assert body["name"] == "Landeshauptstadt Hannover"
    assert [(t["name"], t["startDate"], t["endDate"]) for t in body["legislativeTerm"]] == [
        ("Wahlperiode 2016–2021", "2016-11-01", "2021-10-31")
    ]
    classes = {o["name"]: o["classification"] for o in objects(tree, "Organization")}
    assert classes["Internationaler Ausschuss"] == "Ausschuss"
    assert classes["Integrationsbeiräte"] == "Beirat"
    assert classes["Expert*innengruppe Bildung"] == "Arbeitsgruppe"
    assert tree["organization/rat.json"]["votingMemberCount"] == 65  # body edit rat --seats 65

    advised = tree["organization/integrationsbeiraete/consultation.json"]["data"]
    assert [(c["keyword"], c.get("deleted", False)) for c in advised] == [
        (["Zustimmung"], False),
        (["Ablehnung"], True),
        (["Zustimmung"], False),
    ]
    assert [m["name"] for m in tree["organization/rat/meeting.json"]["data"]] == [
        "Rat der Landeshauptstadt Hannover, Sitzung am 20.01.2021"
    ]

    # One session of the committee on 1 Oct 2020, one item: the voided tally stays as a deleted Consultation.
    meeting = tree["meeting/internationaler-ausschuss-2020-10-01.json"]
    [item] = meeting["agendaItem"]
    assert (item["result"], item["order"], "number" in item) == ("Unverändert beschlossen", 1, False)
    assert item["consultation"] == BASE + "consultation/resolution-2.json"
    assert tree["consultation/resolution-1.json"]["deleted"] is True
    assert tree["consultation/resolution-1.json"]["agendaItem"] == item["id"]
    assert "deleted" not in meeting
    assert meeting["start"] == "2020-10-01T00:00:00+02:00"

    # A deferral without counts; an item not quorate, the information, then the second convocation.
    [deferred] = tree["meeting/internationaler-ausschuss-2021-01-14.json"]["agendaItem"]
    assert (deferred["result"], deferred["resolutionText"]) == (
        "Vertagt",
        "Vertagt (Verfahrensbeschluss, ohne Abstimmungsergebnis).",
    )
    first = tree["meeting/internationaler-ausschuss-2021-01-20.json"]
    assert first["start"] == "2021-01-20T16:00:00+01:00" and first["location"]["description"] == "Hodlersaal"
    assert first["meetingState"] == "durchgeführt"
    quorum, informed = first["agendaItem"]
    assert (quorum["number"], quorum["result"]) == ("5.1", "Nicht beschlussfähig")
    assert quorum["resolutionText"] == "Nicht beschlussfähig: 5 von 15 stimmberechtigten Mitgliedern anwesend."
    assert (informed["name"], informed["result"], informed["order"]) == (
        "Bericht zum Stand des LIP 2.0",
        "Zur Kenntnis genommen",
        2,
    )
    [report] = informed["auxiliaryFile"]
    assert (out / report["accessUrl"].removeprefix(BASE)).read_bytes() == REPORT
    second = tree["meeting/internationaler-ausschuss-2021-01-28.json"]
    assert second["name"] == "Internationaler Ausschuss, Sitzung am 28.01.2021 (zweite Ladung)"
    assert second["agendaItem"][0]["result"] == "Unverändert beschlossen"
    assert "§ 65 Abs. 2 NKomVG" in second["agendaItem"][0]["resolutionText"]

    papers = {p["id"].removeprefix(BASE): p for p in objects(tree, "Paper")}
    bildung = papers["paper/draft-1.json"]
    assert bildung["name"] == "Grundsatzpapier Bildung, Fassung 1"
    assert bildung["reference"] == "1234/2020" and bildung["keyword"] == ["Beschlossen"]
    assert bildung["superordinatedPaper"] == [BASE + "paper/drucksache-1234-2020.json"]
    stances = {c["organization"][0].rsplit("/", 1)[1]: c["keyword"] for c in bildung["consultation"] if not c["authoritative"]}
    assert stances == {
        "integrationsbeiraete.json": ["Zustimmung"],
        "runder-tisch.json": ["Änderungsbedarf"],
        "lenkungsgruppe.json": ["An den Ausschuss weitergeleitet"],
    }
    soziales = [papers[f"paper/draft-{n}.json"] for n in (2, 3, 4)]
    assert [p.get("deleted", False) for p in soziales] == [False, False, True]  # v3 withdrawn
    assert all(len(p["relatedPaper"]) == 2 for p in soziales)
    [withdrawn_opinion] = soziales[0]["consultation"]
    assert withdrawn_opinion["deleted"] is True and withdrawn_opinion["keyword"] == ["Ablehnung"]

    # The plan's version: committee, then council; its Drucksache from the register.
    plan = papers["paper/draft-5.json"]
    assert plan["name"] == "Lokaler Integrationsplan 2.0 (Gesamtplan), Fassung 1" and plan["paperType"] == "Entwurf"
    assert [c["organization"][0].rsplit("/", 1)[1] for c in plan["consultation"] if c["authoritative"]] == [
        "internationaler-ausschuss.json",
        "rat.json",
    ]
    assert (out / plan["mainFile"]["accessUrl"].removeprefix(BASE)).read_bytes() == PLAN
    register = {p["reference"]: p for p in papers.values() if p["paperType"] != "Entwurf"}
    assert {n: p["paperType"] for n, p in register.items()} == {
        "2472/2019": "Beschlussdrucksache",
        "1234/2020": "Beschlussdrucksache",
        "0999/2021": "Beschlussdrucksache",
        "0142/2021": "Beschlussdrucksache",
        "H-0001/2021": "Informationsdrucksache",
    }
    assert register["2472/2019"]["name"] == "Wie wird der Lokale Integrationsplan weiterentwickelt?"
    assert register["0999/2021"]["subordinatedPaper"] == [plan["id"]]
    assert register["0142/2021"]["subordinatedPaper"] == [BASE + "paper/draft-6.json"]
    assert register["H-0001/2021"]["mainFile"] == report
    assert [c["role"] for c in register["H-0001/2021"]["consultation"]] == ["Kenntnisnahme"]

    # The roster: public roles with their voting right and dates.
    people = {p["name"]: p for p in objects(tree, "Person")}
    [chair] = people["Anna Vorsitzende"]["membership"]
    assert (chair["role"], chair["votingRight"], chair["startDate"]) == ("Vorsitz", True, "2021-01-30")
    [gone] = people["Carl Berater"]["membership"]
    assert (gone["role"], gone["votingRight"], gone["endDate"]) == ("Beratendes Mitglied", False, "2021-01-31")

    # The document, copied into the tree with its SHA-512; the File is the version's mainFile.
    file = tree["file/draft-1.json"]
    assert bildung["mainFile"] == file
    assert file["sha512Checksum"] == hashlib.sha512(DOCUMENT).hexdigest() and file["size"] == len(DOCUMENT)
    assert (out / file["accessUrl"].removeprefix(BASE)).read_bytes() == DOCUMENT
    for obj in (o for content in tree.values() if not is_list(content) for o in embedded(content)):
        assert obj["created"] <= obj["modified"], obj["id"]


def test_without_files_there_is_no_file_object(recorded: Any, tmp_path: Path) -> None:
    out = tmp_path / "oparl"
    counts = export(recorded, out)["counts"]
    assert "File" not in counts
    tree = load_tree(out)
    assert "file" not in tree["body/1.json"]
    assert not (out / "file").exists()
    assert all("mainFile" not in p for p in objects(tree, "Paper"))
    check_tree(out, BASE)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web server on a free port serving ``tmp_path/oparl`` (not there yet): its base URL and the folder."""
    root = tmp_path / "oparl"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_client_walks_the_tree_over_http_and_reaches_every_object(recorded: Any, server: tuple[str, Path]) -> None:
    base, root = server
    export(recorded, root, "--with-files", base=base)

    def get(url: str) -> Any:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own test server
            assert response.headers["Content-Type"] == "application/json"
            return json.load(response)

    seen: set[str] = set()
    lists_read: set[str] = set()

    def read_list(url: str) -> None:
        while url and url not in lists_read:
            lists_read.add(url)
            page = get(url)
            for obj in page["data"]:
                visit(obj)
            url = page["links"].get("next")

    def visit(obj: dict[str, Any]) -> None:
        for inner in embedded(obj):
            seen.add(inner["id"])
            for key in ("body", "organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "membership"):
                if inner.get(key) and type_name(inner) in ("System", "Body", "Organization") and isinstance(inner[key], str):
                    if key == "body" and type_name(inner) != "System":
                        continue
                    read_list(inner[key])
            if type_name(inner) == "Body":
                read_list(inner["legislativeTermList"])

    visit(get(base + "system.json"))
    every = {o["id"] for o in load_tree(root).values() if not is_list(o)}
    assert every and seen == every
    file = base + "file/draft-1.json"
    assert file in seen
    with urllib.request.urlopen(get(file)["accessUrl"], timeout=10) as response:  # noqa: S310
        assert response.read() == DOCUMENT


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_exporting_again_gives_identical_files_and_swaps_the_link(recorded: Any, tmp_path: Path) -> None:
    out = tmp_path / "oparl"
    export(recorded, out, "--with-files")
    first_folder = Path(os.path.realpath(out))
    first = _files(out)
    export(recorded, out, "--with-files")
    assert _files(out) == first  # byte for byte
    second_folder = Path(os.path.realpath(out))
    assert out.is_symlink() and second_folder != first_folder and first_folder.is_dir()  # the old one kept one round

    run(recorded, "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier", "--date", "2020-11-01")
    assert export(recorded, out, "--with-files")["counts"]["Paper"] == 12
    assert not first_folder.exists() and second_folder.is_dir()  # older versions are removed
    assert _files(second_folder) == first
    versions = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".oparl.") and p.name.endswith(".oparl"))
    assert len(versions) == 2
    check_tree(out, BASE)


def test_nothing_personal_is_exported(recorded: Any, tmp_path: Path) -> None:
    out = tmp_path / "oparl"
    export(recorded, out, "--with-files")
    text = "\n".join(data.decode("utf-8", "replace") for data in _files(out).values())
    for secret in [*SECRETS, "tester", "falsch zugeordnet", "doppelt eingereicht"]:
        assert secret not in text, secret
    assert "Konstanze Beckedorf" in text  # a public role is exported


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/oparl", "example.org/oparl", "", "http://", "http://example.org/oparl?x=1", "http://example.org/o parl"],
)
def test_a_base_url_that_is_not_http_is_refused(seeded: Any, tmp_path: Path, url: str) -> None:
    result = seeded("oparl", "export", "--output", str(tmp_path / "oparl"), "--base-url", url)
    assert result.exit_code == ExitCode.REFUSED
    assert "--base-url:" in result.stderr and "is not an http(s) URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "oparl").exists()


def _plain_folder(path: Path) -> None:
    path.mkdir()
    (path / "index.html").write_text("mine")


def _plain_file(path: Path) -> None:
    path.write_text("mine")


def _link_elsewhere(path: Path) -> None:
    other = path.parent / "elsewhere"
    other.mkdir()
    path.symlink_to(other)


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path) -> None:
    path.symlink_to(path)


def _marker_gone(path: Path) -> None:
    """A link to a folder that looks like an export but lacks lipctl's marker."""
    other = path.parent / ".site.abcd.oparl"
    other.mkdir()
    (other / "system.json").write_text("{}")
    path.symlink_to(other.name)


@pytest.mark.parametrize(
    "make",
    [_plain_folder, _plain_file, _link_elsewhere, _dangling, _fifo, _loop, _marker_gone],
    ids=lambda f: f.__name__.strip("_"),
)
def test_an_output_that_is_not_an_earlier_export_is_refused(seeded: Any, tmp_path: Path, make: Any) -> None:
    out = tmp_path / "site"
    make(out)
    before = {p.name: (p.is_symlink(), p.is_dir()) for p in tmp_path.iterdir()}
    result = seeded("oparl", "export", "--output", str(out), "--base-url", BASE)
    assert result.exit_code == ExitCode.REFUSED
    assert f"--output: {out} exists and is not an earlier OParl export" in result.stderr
    assert {p.name: (p.is_symlink(), p.is_dir()) for p in tmp_path.iterdir()} == before  # nothing written beside it
    if out.is_dir() and not out.is_symlink():
        assert [p.name for p in out.iterdir()] == ["index.html"]


def test_an_output_in_the_documents_folder_or_a_missing_folder_is_refused(seeded: Any, tmp_path: Path) -> None:
    documents = Path(os.environ["LIPCTL_DB"]).parent / "files"
    documents.mkdir(exist_ok=True)
    result = seeded("oparl", "export", "--output", str(documents / "oparl"), "--base-url", BASE)
    assert result.exit_code == ExitCode.REFUSED
    assert "is or holds lipctl's database or its stored documents" in result.stderr
    assert list(documents.iterdir()) == []

    result = seeded("oparl", "export", "--output", str(tmp_path / "no" / "oparl"), "--base-url", BASE)
    assert result.exit_code == ExitCode.REFUSED
    assert "does not exist" in result.stderr


def test_the_table_output_lists_the_counts(recorded: Any, tmp_path: Path) -> None:
    result = recorded("oparl", "export", "--output", str(tmp_path / "oparl"), "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    assert "Paper" in result.stdout and BASE + "system.json" in result.stdout


@pytest.mark.slow
def test_the_export_reads_through_the_driver_alone(seeded: Any, tmp_path: Path) -> None:
    from tests.meta.test_imports import imported_modules, offending

    out = tmp_path / "oparl"
    modules = imported_modules("-m", "lipctl", "oparl", "export", "--output", str(out), "--base-url", BASE)
    assert {"lipctl.store.reader", "lipctl.oparl.build"} <= modules
    assert offending(modules, ("sqlalchemy", "alembic", "yaml", "jinja2", "lipctl.store.models")) == []
    assert (out / "system.json").is_file()


def test_two_exports_at_once_leave_a_complete_tree(recorded: Any, tmp_path: Path, make_env: Any) -> None:
    from lipctl.oparl.export import export as run_export

    out = tmp_path / "oparl"
    errors: list[BaseException] = []

    def one() -> None:
        try:
            run_export(make_env(), out, BASE)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    check_tree(out, BASE)
    assert len([p for p in tmp_path.iterdir() if p.name.endswith(".oparl")]) <= 2


def test_a_contact_who_left_keeps_a_membership_with_its_end(seeded: Any, tmp_path: Path) -> None:
    import yaml

    seed_file = Path(__file__).resolve().parents[2] / "data" / "seed.yaml"
    seed = yaml.safe_load(seed_file.read_text(encoding="utf-8"))
    seed["action_fields"][0]["external_speaker"] = {"name": "Anna Beispiel"}
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
    assert seeded("init", "--seed", str(changed)).exit_code == 0
    out = tmp_path / "oparl"
    export(seeded, out)
    check_tree(out, BASE)
    people = {p["name"]: p for p in objects(load_tree(out), "Person")}
    [gone] = people["Helga Barbara Gundlach"]["membership"]
    [new] = people["Anna Beispiel"]["membership"]
    assert gone["organization"] == new["organization"] == BASE + "organization/expertinnengruppe-bildung.json"
    assert "endDate" in gone and "startDate" in new and gone["endDate"] == new["startDate"]
    assert gone["role"] == new["role"] == "Externe*r Sprecher*in, Handlungsfeld Bildung"


@pytest.mark.parametrize("name", ["..", "x" * 300], ids=["dot-dot", "name-too-long"])
def test_an_output_that_names_no_usable_folder_is_refused(seeded: Any, tmp_path: Path, name: str) -> None:
    (tmp_path / "sub").mkdir()
    result = seeded("oparl", "export", "--output", str(tmp_path / "sub" / name), "--base-url", BASE)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: --output: ") and "Traceback" not in result.stderr
    assert list((tmp_path / "sub").iterdir()) == []


def test_an_export_that_holds_the_database_is_never_replaced(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "oparl"
    assert cli("init").exit_code == 0
    export(cli, out)
    inside = Path(os.path.realpath(out)) / "lip.db"
    monkeypatch.setenv("LIPCTL_DB", str(inside))
    assert cli("init").exit_code == 0
    result = cli("oparl", "export", "--output", str(out), "--base-url", BASE)
    assert result.exit_code == ExitCode.REFUSED
    assert "holds lipctl's database or its stored documents" in result.stderr
    assert inside.is_file()


def test_an_output_created_by_someone_else_meanwhile_is_left_alone(
    recorded: Any, tmp_path: Path, make_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lipctl.errors import Refused
    from lipctl.oparl import publish
    from lipctl.oparl.export import export as run_export

    out = tmp_path / "oparl"
    write = publish.Staging.write

    def meanwhile(self: publish.Staging, tree: Any) -> int:
        out.mkdir()  # someone else's folder appears while lipctl works
        return write(self, tree)

    monkeypatch.setattr(publish.Staging, "write", meanwhile)
    with pytest.raises(Refused, match="was created by someone else while lipctl worked"):
        run_export(make_env(), out, BASE)
    assert out.is_dir() and not out.is_symlink() and list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".oparl")] == []  # the new tree was removed


def test_a_lost_document_is_named_and_the_rest_is_published(recorded: Any, tmp_path: Path) -> None:
    for kept in (Path(os.environ["LIPCTL_DB"]).parent / "files").iterdir():
        kept.unlink()
    out = tmp_path / "oparl"
    result = recorded("oparl", "export", "--output", str(out), "--base-url", BASE, "--with-files", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "the stored document of bildung/grundsatzpapier v1 was not found" in result.stderr
    data = json.loads(result.stdout)
    assert data["missing_documents"] == ["bildung/grundsatzpapier v1", "plan v1", "information 1"]
    assert data["counts"]["File"] == 0
    assert not (out / "file").exists()
    check_tree(out, BASE)


def test_a_damaged_copy_of_an_informations_document_refuses_the_export(recorded: Any, tmp_path: Path) -> None:
    [kept] = [p for p in (Path(os.environ["LIPCTL_DB"]).parent / "files").iterdir() if p.read_bytes() == REPORT]
    kept.write_bytes(b"%PDF-1.4 ausgetauscht")
    out = tmp_path / "oparl"
    result = recorded("oparl", "export", "--output", str(out), "--base-url", BASE, "--with-files")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert "the stored document of information 1 does not match its SHA-256" in result.stderr
    assert not out.exists() and [p for p in tmp_path.iterdir() if p.name.endswith(".oparl")] == []
