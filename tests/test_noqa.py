"""Suppression comments, row grouping as flake8 does it (so the CLI and flake8 doors agree)."""

from asynclint.engine.noqa import ALL, file_level, line_suppressions


def rows(text: str) -> dict[int, frozenset[str]]:
    return line_suppressions(text).by_row


def test_codes_and_blanket() -> None:
    found = rows("a = 1  # noqa: ASL100, ASL2\nb = 2  # NOQA\nc = 3\n")
    assert found[1] == frozenset({"ASL100", "ASL2"})
    assert found[2] is ALL
    assert 3 not in found


def test_each_line_inside_brackets_is_its_own_group() -> None:
    found = rows("x = f(\n    1,\n)  # noqa: ASL100\n")
    assert set(found) == {3}


def test_multiline_string_and_backslash_are_one_group() -> None:
    found = rows('x = """\nline\n"""  # noqa: ASL100\ny = 1 + \\\n    2  # noqa\n')
    assert found[1] == found[2] == found[3] == frozenset({"ASL100"})
    assert found[4] is ALL and found[5] is ALL


def test_noqa_inside_a_string_is_not_a_comment() -> None:
    assert rows('x = "# noqa"\n') == {}


def test_file_level() -> None:
    assert file_level("# asynclint: noqa\nx = 1\n") is ALL
    assert file_level("# asynclint: noqa: ASL1\n") == frozenset({"ASL1"})
    assert file_level("# flake8: noqa: E501\n") is ALL  # flake8 skips the whole file
    assert file_level("x = 1  # asynclint: noqa\n") is None  # must stand on its own line
