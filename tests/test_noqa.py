"""Suppression comments, row grouping as flake8 does it (so the CLI and flake8 doors agree)."""

import pytest

from asynclint.codes import PEERS
from asynclint.diagnostics import Diagnostic, Location
from asynclint.engine.noqa import ALL, covers, file_level, filter_diagnostics, line_suppressions
from asynclint.rules import REGISTRY, load_registry
from asynclint.rules.base import Rule, check_rule


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


def test_the_peer_table_is_the_rules_overlaps() -> None:
    """`codes.PEERS` (what `# noqa` reads without importing the rules) is every rule's
    `overlaps`, and nothing else."""
    rules = load_registry()
    assert {code: rule.overlaps for code, rule in rules.items()
            if rule.overlaps and rule.__module__.startswith("asynclint.rules.")} == PEERS
    assert PEERS["ASL500"] == ("RUF006", "ASYNC300")
    assert PEERS["ASL100"] == ("ASYNC251",)


def test_a_rule_whose_overlaps_are_not_in_the_peer_table_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from asynclint.codes import CODES

    monkeypatch.setitem(CODES, "ASL994", True)
    rule = type("Unlisted", (Rule,), {"code": "ASL994", "overlaps": ("RUF999",)})
    with pytest.raises(ValueError, match=r"ASL994 must be in asynclint/codes\.py PEERS"):
        check_rule(rule, REGISTRY)
    assert "ASL994" not in REGISTRY


@pytest.mark.parametrize(("codes", "code", "covered"), [
    (frozenset({"RUF006"}), "ASL500", True),
    (frozenset({"ASYNC300"}), "ASL500", True),
    (frozenset({"ASYNC251"}), "ASL100", True),
    (frozenset({"RUF006"}), "ASL100", False),  # a peer of another rule
    (frozenset({"ASYNC2"}), "ASL100", False),  # peer codes match exactly, never as a prefix
    (frozenset({"RUF"}), "ASL500", False),
    (frozenset({"ASL5"}), "ASL500", True),  # asynclint's own codes still match as prefixes
])
def test_peer_codes_match_exactly(codes: frozenset[str], code: str, covered: bool) -> None:
    assert covers(codes, code, PEERS) is covered
    assert covers(codes, code) is code.startswith(tuple(codes))  # peer codes off


def _finding(code: str, row: int) -> Diagnostic:
    return Diagnostic(code, "name", "message", "a.py", Location(row, 1), Location(row, 2), row)


@pytest.mark.parametrize("peer_codes", [True, False])
def test_filter_with_and_without_peer_codes(peer_codes: bool) -> None:
    text = ("x  # noqa: RUF006\ny  # noqa: ruf006, ASL100\nz  # noqa\nw  # noqa: ASL500\n"
            "v  # noqa: E501\n")
    found = [_finding("ASL500", row) for row in range(1, 6)]
    kept = [d.start.row for d in filter_diagnostics(text, found, peer_codes)]
    assert kept == ([5] if peer_codes else [1, 2, 5])


def test_file_level_peer_codes() -> None:
    text = "# asynclint: noqa: RUF006\nx = 1\n"
    assert filter_diagnostics(text, [_finding("ASL500", 2)]) == []
    assert len(filter_diagnostics(text, [_finding("ASL500", 2)], peer_codes=False)) == 1


def test_a_second_rule_with_a_taken_code_is_refused() -> None:
    """The registry is built from the families' RULES: a code means one rule."""
    twin = type("Twin", (Rule,), {"code": "ASL500", "overlaps": PEERS["ASL500"]})
    with pytest.raises(ValueError, match="duplicate rule code ASL500"):
        check_rule(twin, REGISTRY)
