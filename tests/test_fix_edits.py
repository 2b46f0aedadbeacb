"""The edit helpers the codemods share (`fixes.edits`)."""

from __future__ import annotations

import pytest

from asynclint.diagnostics import Edit, Location
from asynclint.fixes.edits import (
    MAX_LINE,
    fits_on_line,
    fresh_name,
    in_own_parentheses,
    indent_lines,
    insert_after_row,
)
from asynclint.source import SourceFile


def test_fresh_names_do_not_clash_with_each_other() -> None:
    taken = {"tg", "tg2"}
    assert fresh_name("tg", taken) == "tg3"
    assert fresh_name("tg", taken) == "tg4"
    assert fresh_name("task", taken) == "task"
    assert fresh_name("_blocking_io", {"_blocking_io"}, first=1) == "_blocking_io1"


def test_indent_lines_leaves_blank_lines_alone() -> None:
    assert indent_lines(["a", "", "  ", "  b"], "\t") == ["\ta", "", "  ", "\t  b"]


def test_fits_on_line() -> None:
    assert fits_on_line("    ", "x" * (MAX_LINE - 4))
    assert not fits_on_line("    ", "x" * (MAX_LINE - 3))
    assert not fits_on_line("", "a\nb")


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        ("a\nb\n", 1, Edit("x\ny\n", Location(2, 0), Location(2, 0))),
        ("a\nb\n", 2, Edit("x\ny\n", Location(3, 0), Location(3, 0))),
        ("a\r\nb", 2, Edit("\r\nx\r\ny", Location(2, 1), Location(2, 1))),  # no final newline
        ("a\n", 0, Edit("x\ny\n", Location(1, 0), Location(1, 0))),  # on top
    ],
)
def test_insert_after_row(text: str, row: int, expected: Edit) -> None:
    assert insert_after_row(SourceFile(text), row, ["x", "y"]) == expected


def test_in_own_parentheses() -> None:
    source = SourceFile("a = (f(x)).y\nb = f(x)\n")
    assert in_own_parentheses(source, Location(1, 5), Location(1, 9))
    assert not in_own_parentheses(source, Location(2, 4), Location(2, 8))
