"""The German catalogue is complete: every message id in the code has a German translation, none
is empty or fuzzy, placeholders survive the translation, and the committed .mo is the compiled .po.

When one of these fails: ``python tools/update_catalog.py``, translate what it lists in
``lipctl/locale/de/LC_MESSAGES/lipctl.po``, run it again, commit the .po and the .mo.
"""

from __future__ import annotations

import re

FIX = "run 'python tools/update_catalog.py', translate the listed entries in lipctl.po, run it again and commit"


def _ids(message) -> list[str]:  # noqa: ANN001
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _strings(message) -> list[str]:  # noqa: ANN001
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}", text))


def test_extraction_finds_python_plurals_templates_and_command_docstrings(template) -> None:  # noqa: ANN001
    by_id = {_ids(m)[0]: m for m in template if m.id}
    # a refusal in the store layer, a plural, a Jinja2 template text and a command's docstring (its --help)
    assert "no action field {name!r}" in by_id
    assert _ids(by_id["{n} day"]) == ["{n} day", "{n} days"]
    assert any(path.endswith(".j2") for path, _line in by_id["Progress per action field"].locations)
    contacts_help = by_id["Contacts per action field: contact person, internal and external speaker."]
    assert any(path == "lipctl/commands/fields.py" for path, _line in contacts_help.locations)
    assert len(by_id) > 300


def test_every_message_in_the_code_has_a_german_translation(template, german) -> None:  # noqa: ANN001
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = german.get(_ids(message)[0], context=message.context)
        if entry is None or entry.fuzzy or not all(s and s.strip() for s in _strings(entry)):
            missing.append(_ids(message)[0])
    assert not missing, f"{len(missing)} messages without German ({FIX}):\n" + "\n".join(missing)


def test_no_german_entry_is_empty_or_fuzzy(german) -> None:  # noqa: ANN001
    bad = [_ids(m)[0] for m in german if m.id and (m.fuzzy or not all(s and s.strip() for s in _strings(m)))]
    assert not bad, f"empty or fuzzy entries ({FIX}):\n" + "\n".join(bad)
    assert german.plural_forms == "nplurals=2; plural=(n != 1);"


def test_translations_keep_the_placeholders(german) -> None:  # noqa: ANN001
    """A German text with a misspelt {placeholder} would crash the command that formats it."""
    wrong = []
    for m in german:
        if not m.id or m.fuzzy or not all(_strings(m)):  # the tests above report those
            continue
        ids, strings = _ids(m), _strings(m)
        if len(ids) == 1:
            if _placeholders(strings[0]) != _placeholders(ids[0]):
                wrong.append(f"{ids[0]!r} -> {strings[0]!r}")
        else:  # a plural's singular may say "einmal" instead of {n}, but may not invent names
            allowed = set().union(*(_placeholders(i) for i in ids))
            wrong += [f"{ids[0]!r} -> {s!r}" for s in strings if not _placeholders(s) <= allowed]
            if _placeholders(strings[-1]) != _placeholders(ids[-1]):
                wrong.append(f"{ids[-1]!r} -> {strings[-1]!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_committed_mo_is_the_compiled_po(tool) -> None:  # noqa: ANN001
    """The wheel ships the committed .mo: it must say exactly what the .po says (Babel recompiles it here)."""
    import io

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    assert tool.MO.exists(), FIX
    with tool.PO.open("rb") as fileobj:
        po = read_po(fileobj, locale="de", domain="lipctl")
    committed = read_mo(io.BytesIO(tool.MO.read_bytes()))
    recompiled = read_mo(io.BytesIO(tool.compiled_from_po()))

    def pairs(catalog) -> dict:  # noqa: ANN001
        return {tuple(_ids(m)): tuple(_strings(m)) for m in catalog if m.id}

    assert pairs(committed) == pairs(recompiled), f"lipctl.mo is not compiled from lipctl.po ({FIX})"
    assert len(pairs(committed)) == len([m for m in po if m.id and not m.fuzzy and all(_strings(m))])


def test_the_running_interface_uses_only_catalogued_help(template) -> None:  # noqa: ANN001
    """Every help text Typer shows (commands, groups, options, arguments) is a message id of the catalogue,
    so the extraction sees what the user sees (a docstring is cleaned the same way, for instance)."""
    import typer

    from lipctl.cli import app

    ids = {_ids(m)[0] for m in template if m.id}
    seen: list[str] = []

    def walk(cmd, path: str) -> None:  # noqa: ANN001
        if cmd.help:
            seen.append(cmd.help)
            assert cmd.help in ids, f"{path}: help not in the catalogue: {cmd.help!r}"
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text and param.name != "help":
                seen.append(text)
                assert text in ids, f"{path} {param.name}: help not in the catalogue: {text!r}"
        ctx = typer.Context(cmd)  # Click's lazy-group contract: list_commands, then get_command
        for name in getattr(cmd, "list_commands", lambda ctx: [])(ctx):
            walk(cmd.get_command(ctx, name), f"{path} {name}")

    walk(typer.main.get_command(app), "lipctl")
    assert len(seen) > 40


def test_running_the_tool_twice_changes_nothing(tool, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The second run of update_catalog.py leaves the .po and .mo byte for byte alone (no churn in git)."""
    po, mo = tmp_path / "lipctl.po", tmp_path / "lipctl.mo"
    po.write_bytes(tool.PO.read_bytes())
    monkeypatch.setattr(tool, "PO", po)
    monkeypatch.setattr(tool, "MO", mo)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.main([]) == 0
    first = po.read_bytes(), mo.read_bytes()
    assert tool.main([]) == 0
    assert (po.read_bytes(), mo.read_bytes()) == first
    assert b'msgid "no action field {name!r}"' in first[0]


def test_messages_inside_f_strings_are_extracted(tool, tmp_path) -> None:  # noqa: ANN001
    """Babel reads an f-string as one token before Python 3.12; the tool finds ``_()`` inside it anyway."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        "def f(n):\n    return f\"({_('{days} late').format(days=n)}) {ngettext('{n} item', '{n} items', n)} {n}\"\n",
        encoding="utf-8",
    )
    found = [(line, message) for _path, line, message in tool.fstring_messages(package)]
    assert sorted(found, key=str) == [(2, "{days} late"), (2, ("{n} item", "{n} items"))]


def test_every_translated_text_is_a_literal_the_extraction_can_see() -> None:
    """``_(variable)`` or ``_(f"...")`` would be a message no catalogue can hold: it stays English for ever.
    The exceptions: the command boundary, which translates docstrings (extracted separately), and the
    root's command table in cli.py, whose texts are those same docstrings and group helps
    (tests/meta/test_imports.py checks that they are identical in both languages), and the vocabulary's
    tables of words (lipctl/vocabulary.py), each marked N_("…") where it stands and so extracted."""
    import ast
    from pathlib import Path

    import lipctl

    package = Path(lipctl.__file__).parent
    allowed = {("commands/_boundary.py", "_(doc)"), ("cli.py", "_(text)"), ("vocabulary.py", "_(msg)")}
    dynamic = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literal_args = {"_": 1, "gettext": 1, "ngettext": 2}.get(node.func.id)
            if literal_args is None:
                continue
            args = node.args[:literal_args]
            if len(args) < literal_args or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                where = (path.relative_to(package).as_posix(), ast.unparse(node))
                if where not in allowed:
                    dynamic.append(f"{where[0]}:{node.lineno}: {where[1][:80]}")
    assert not dynamic, "write the message itself inside _(), with .format() for the values:\n" + "\n".join(dynamic)
