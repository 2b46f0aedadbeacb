"""The language server's own pieces, in process: noqa insertion, the fix-all diff, editor
settings and position encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asynclint.config import Settings
from asynclint.diagnostics import Location
from asynclint.engine.analyze import analyze
from asynclint.lsp.edits import noqa_edit, replacement_edit
from asynclint.lsp.positions import PositionCodec
from asynclint.lsp.settings import parse
from asynclint.source import SourceFile

HEAD = "import time\n\n\nasync def f():\n"


def check(text: str) -> list[str]:
    settings = Settings(root=Path.cwd())
    analysis = analyze(SourceFile(text), "app.py", settings, settings.enabled_codes())
    return [d.code for d in analysis.diagnostics]


def suppress(text: str) -> str:
    source = SourceFile(text)
    settings = Settings(root=Path.cwd())
    [diag] = analyze(source, "app.py", settings, settings.enabled_codes()).diagnostics
    return source.apply_edits([noqa_edit(source, diag)])


@pytest.mark.parametrize(("body", "expected"), [
    ("    time.sleep(1)\n", "    time.sleep(1)  # noqa: ASL100\n"),
    ("    time.sleep(1)   \n", "    time.sleep(1)  # noqa: ASL100\n"),
    ("    time.sleep(1)  # why\n", "    time.sleep(1)  # why  # noqa: ASL100\n"),
    ("    time.sleep(1)  # noqa: E501\n", "    time.sleep(1)  # noqa: E501, ASL100\n"),
    # A call spread over lines: each bracketed line is its own group (as flake8 reads noqa),
    # so the comment goes on the finding's first line...
    ("    time.sleep(\n        1,\n    )\n", "    time.sleep(  # noqa: ASL100\n        1,\n    )\n"),
    # ...but after a multi-line string, never inside it...
    ('    time.sleep(len("""\n    x  \n"""))\n',
     '    time.sleep(len("""\n    x  \n"""))  # noqa: ASL100\n'),
    # ...and an existing noqa of the finding's group is extended.
    ("    time.sleep(  # noqa: E501\n        1)\n",
     "    time.sleep(  # noqa: E501, ASL100\n        1)\n"),
    # A comment on a line of its own belongs to no statement and is left alone.
    ("    # noqa: E501\n    time.sleep(1)\n",
     "    # noqa: E501\n    time.sleep(1)  # noqa: ASL100\n"),
    ("    time.sleep(1)", "    time.sleep(1)  # noqa: ASL100"),
    ("    time.sleep(1)\r\n", "    time.sleep(1)  # noqa: ASL100\r\n"),
])
def test_noqa_edit_suppresses_the_finding(body: str, expected: str) -> None:
    text = HEAD + body
    assert check(text) == ["ASL100"]
    fixed = suppress(text)
    assert fixed == HEAD + expected
    assert check(fixed) == []


lines = st.lists(st.sampled_from(["a\n", "b\n", "\n", "é😀\n", "c", "x\r\n"]), max_size=8)


@given(lines, lines)
def test_replacement_edit_turns_old_into_new(old: list[str], new: list[str]) -> None:
    source = SourceFile("".join(old))
    edit = replacement_edit(source, "".join(new))
    if "".join(old) == "".join(new):
        assert edit is None
        return
    assert edit is not None
    assert source.apply_edits([edit]) == "".join(new)


def test_replacement_edit_spans_only_the_lines_that_differ() -> None:
    source = SourceFile("a\nb\nc\nd\n")
    edit = replacement_edit(source, "a\nB\nC\nd\n")
    assert edit is not None
    assert (edit.start, edit.end, edit.content) == (Location(2, 0), Location(4, 0), "B\nC\n")


def test_editor_settings_nested_validated_and_never_fatal() -> None:
    parsed = parse({"asynclint": {"select": ["asl1"], "ignore": ["ASL100", "NOPE9"],
                                  "unsafeFixes": "yes", "lineLength": 88}}, "editor settings")
    assert parsed.overrides == {"select": ["ASL1"], "ignore": ["ASL100"]}
    assert len(parsed.problems) == 2
    assert any("NOPE9" in p for p in parsed.problems)
    assert any("unsafeFixes" in p for p in parsed.problems)
    assert parse({"settings": {"unsafe-fixes": True}}, "x").overrides == {"unsafe_fixes": True}
    assert parse({"select": ["NOPE1"]}, "x").overrides == {}  # not: nothing selected
    assert parse({"select": []}, "x").overrides == {"select": []}
    assert parse(None, "x").overrides == {}
    assert parse(["not", "a", "dict"], "x").overrides == {}


@pytest.mark.parametrize(("encoding", "units"), [
    ("utf-16", 15), ("utf-8", 18), ("utf-32", 14), (None, 15), ("utf-7", 15),
])
def test_position_codec_round_trip(encoding: str | None, units: int) -> None:
    source = SourceFile('    x = "é😀"; time.sleep(1)\n')
    codec = PositionCodec(encoding)
    loc = Location(1, 14)  # code points before `time`
    assert codec.to_lsp(source, loc) == (0, units)
    assert codec.from_lsp(source, 0, units) == loc


def test_unsafe_fixes_are_offered_labelled_and_not_preferred() -> None:
    from asynclint.diagnostics import Applicability, Fix
    from asynclint.lsp.server import quick_fix_offer

    def fix(applicability: Applicability) -> Fix:
        return Fix("Do it", applicability, ())

    assert quick_fix_offer("ASL999", fix(Applicability.SAFE)) == ("asynclint (ASL999): Do it", True)
    assert quick_fix_offer("ASL999", fix(Applicability.UNSAFE)) == (
        "asynclint (ASL999): Do it (unsafe)", False)
    assert quick_fix_offer("ASL999", fix(Applicability.DISPLAY_ONLY)) is None
    assert quick_fix_offer("ASL999", None) is None


@given(st.text(alphabet=st.sampled_from("ab(#:\"'\\\n\r\t é😀noqaASL100"), max_size=60),
       st.integers(min_value=1, max_value=8))
def test_noqa_edit_and_positions_never_fail_on_any_text(text: str, row: int) -> None:
    from asynclint.diagnostics import Diagnostic

    source = SourceFile(text)
    row = min(row, len(source.line_starts))
    diag = Diagnostic("ASL100", "x", "m", "app.py", Location(row, 0), Location(row, 0), row)
    edit = noqa_edit(source, diag)
    assert "ASL100" in source.apply_edits([edit])
    for encoding in ("utf-8", "utf-16", "utf-32"):
        codec = PositionCodec(encoding)
        line, character = codec.to_lsp(source, Location(row, len(source.line(row))))
        assert codec.from_lsp(source, line, character) == Location(row, len(source.line(row)))
