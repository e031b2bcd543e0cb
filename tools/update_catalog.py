#!/usr/bin/env python3
"""Keep the German catalogue in step with the code: extract, merge, compile — one command.

    python tools/update_catalog.py          # extract every message, merge into lipctl.po, compile lipctl.mo
    python tools/update_catalog.py --check  # change nothing; exit 1 if a message lacks German or the .mo is stale

Messages are extracted with Babel from the Python sources (``_()``, ``ngettext``; calls inside f-strings
too, which Babel misses before Python 3.12), the Jinja2 templates under ``lipctl/report/templates``
(``babel.cfg`` says which files and how) and — because a command's
docstring is its ``--help`` text, translated by ``commands._boundary.command`` — from the docstrings of
every function registered with ``@command(...)``. New messages arrive in ``lipctl.po`` with an empty
``msgstr``; a changed message arrives marked ``fuzzy`` with the old translation as a suggestion. Translate
those, run the command again (it compiles the ``.mo``), commit both files. ``tests/cli/i18n`` fails while any
message has no German, is fuzzy, or the committed ``.mo`` differs from the ``.po``.

Needs Babel and Jinja2 (``pip install '.[test]'``); it does not import lipctl.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lipctl"
CONFIG = ROOT / "babel.cfg"
PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "lipctl.po"
MO = PO.with_suffix(".mo")
DOCSTRING_COMMENT = "help text of a command (its docstring)"


def _version() -> str:
    match = re.search(r'__version__\s*=\s*"([^"]+)"', (PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    return match.group(1) if match else "0"


def _mapping() -> tuple[list, dict]:
    from babel.messages import frontend

    with CONFIG.open(encoding="utf-8") as fileobj:
        parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
        return parse(fileobj)


def command_docstrings(package: Path = PACKAGE) -> Iterator[tuple[str, int, str]]:
    """(file, line, docstring) of every function decorated with ``@command(...)`` in lipctl/commands."""
    for path in sorted((package / "commands").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for dec in node.decorator_list:
                func = dec.func if isinstance(dec, ast.Call) else dec
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == "command":
                    doc = ast.get_docstring(node, clean=True)  # the same text as inspect.getdoc()
                    if doc:
                        yield path.relative_to(package.parent).as_posix(), node.lineno, doc
                    break


def fstring_messages(package: Path = PACKAGE) -> Iterator[tuple[str, int, str | tuple[str, str]]]:
    """(file, line, message) of ``_()``/``ngettext()`` calls inside f-strings, e.g. ``f"({_('{days} late')})"``.

    Babel's Python extractor reads an f-string as one token before Python 3.12 and misses them."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            for call in (n for n in ast.walk(fstring) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)):
                args = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                where = path.relative_to(package.parent).as_posix()
                if call.func.id in ("_", "gettext") and len(args) == 1:
                    yield where, call.lineno, args[0]
                elif call.func.id == "ngettext" and len(args) == 2:
                    yield where, call.lineno, (args[0], args[1])


def extract():  # -> babel.messages.catalog.Catalog
    """Every message in the code, as a Babel template catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map, options_map = _mapping()
    template = Catalog(project="lipctl", version=_version(), charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(PACKAGE),
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"lipctl/{Path(filename).as_posix()}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    for filename, lineno, message in fstring_messages():
        key = message[0] if isinstance(message, tuple) else message
        existing = template.get(key)
        template.add(message, None, [*(existing.locations if existing else []), (filename, lineno)])
    for filename, lineno, doc in command_docstrings():
        existing = template.get(doc)
        locations = [*(existing.locations if existing else []), (filename, lineno)]
        template.add(doc, None, locations, auto_comments=[DOCSTRING_COMMENT])
    return template


def merged(template):  # -> Catalog
    """The German catalogue updated from ``template`` (a new one if none exists yet)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if PO.exists():
        with PO.open("rb") as fileobj:
            catalog = read_po(fileobj, locale="de", domain="lipctl")
    else:
        catalog = Catalog(
            locale="de",
            domain="lipctl",
            project="lipctl",
            version=_version(),
            charset="utf-8",
            fuzzy=False,
            header_comment="# German translations of lipctl: python tools/update_catalog.py updates this file.",
            msgid_bugs_address="",
            last_translator="Sachgebiet Integration",
            language_team="Sachgebiet Integration, Landeshauptstadt Hannover",
        )
        catalog.revision_date = catalog.creation_date
    # update_creation_date=False: re-running without code changes must leave the file byte for byte alone
    catalog.update(template, update_creation_date=False)
    catalog.version = _version()
    return catalog


def po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    # no line numbers, no obsolete entries, no "#|" previous ids (Babel reads them back as comments):
    # the file changes only when a message changes
    write_po(buf, catalog, width=100, include_lineno=False, ignore_obsolete=True, include_previous=False)
    return buf.getvalue()


def mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compiled_from_po() -> bytes:
    """What ``lipctl.mo`` must contain: the committed ``lipctl.po`` compiled by Babel."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as fileobj:
        return mo_bytes(read_po(fileobj, locale="de", domain="lipctl"))


def problems(catalog, template) -> list[str]:
    """Messages of ``template`` that ``catalog`` does not translate: missing, empty, fuzzy, placeholders differ."""
    out = []
    for message in template:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        entry = catalog.get(key, context=message.context)
        label = key.splitlines()[0][:70]
        if entry is None:
            out.append(f"missing: {label!r}")
            continue
        strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
        if entry.fuzzy:
            out.append(f"fuzzy: {label!r}")
        elif not all(s and s.strip() for s in strings):
            out.append(f"untranslated: {label!r}")
        else:
            ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
            wanted = set().union(*(_placeholders(i) for i in ids))
            for s in strings:
                if _placeholders(s) - wanted:
                    out.append(f"placeholders differ: {label!r}: {s!r}")
    return out


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}", text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the catalogue is incomplete or stale")
    args = parser.parse_args(argv)

    template = extract()
    catalog = merged(template)
    new_po = po_bytes(catalog)
    todo = problems(catalog, template)
    if args.check:
        stale = []
        if not PO.exists() or PO.read_bytes() != new_po:
            stale.append(f"{PO.relative_to(ROOT)} is not up to date with the code")
        if not MO.exists() or MO.read_bytes() != mo_bytes(catalog):
            stale.append(f"{MO.relative_to(ROOT)} is not compiled from the .po")
        for line in stale + todo:
            print(line, file=sys.stderr)
        if stale or todo:
            print("run: python tools/update_catalog.py, translate, run it again, commit both files", file=sys.stderr)
            return 1
        print(f"{len(template)} messages, all translated")
        return 0

    PO.parent.mkdir(parents=True, exist_ok=True)
    if not PO.exists() or PO.read_bytes() != new_po:
        PO.write_bytes(new_po)
    new_mo = mo_bytes(catalog)
    if not MO.exists() or MO.read_bytes() != new_mo:
        MO.write_bytes(new_mo)
    print(f"{PO.relative_to(ROOT)}: {len(template)} messages, {len(todo)} to translate")
    for line in todo:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
