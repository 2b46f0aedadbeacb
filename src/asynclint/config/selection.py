"""Rule selection: `select`, `extend-select`, `ignore`, `per-file-ignores` and `test-ignore`
turned into the codes enabled for a file. It knows codes from the code table (`asynclint.codes`), never from
the rules, so choosing what to run imports no analysis."""

from __future__ import annotations

import functools

from asynclint.codes import CODES
from asynclint.config.schema import ConfigError
from asynclint.globs import glob_match

Layer = tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]  # select, extend, ignore

# The families are a stable contract (DESIGN.md): their prefixes are valid selectors even before
# the family's first rule exists, so a configuration written against the docs keeps working.
FAMILY_PREFIXES = ("ASL", "ASL1", "ASL2", "ASL3", "ASL4", "ASL5")


def validate_selector(selector: str, where: str) -> str:
    """The selector normalised (`ALL`, a family prefix, or a prefix of a known code); a
    ConfigError naming it otherwise."""
    sel = selector.strip().upper()
    if sel == "ALL" or sel in FAMILY_PREFIXES:
        return sel
    if sel and any(code.startswith(sel) for code in CODES) and sel.startswith("ASL"):
        return sel
    raise ConfigError(f"Unknown rule selector `{selector}` in {where}")


def _specificity(selector: str, code: str) -> int:
    if selector == "ALL":
        return 1
    return len(selector) + 1 if code.startswith(selector) else 0


@functools.lru_cache(maxsize=64)
def enabled_codes(
    select: tuple[str, ...] | None, extend: tuple[str, ...], ignore: tuple[str, ...],
    more: tuple[Layer, ...] = (),
) -> frozenset[str]:
    """Rule selection as ruff computes it: the defaults, then each layer in turn (the
    configuration, then the command line). Within a layer the most specific selector decides a
    code, `ignore` winning ties; a layer with `select` starts afresh, one without it only changes
    the codes its selectors name. So `--select ASL1` overrides a configured `ignore = ["ASL100"]`,
    as `ruff check --select F` overrides a configured `ignore = ["F401"]`.

    Cached by the selectors: whoever changes the code table (a test adding a rule) clears it."""
    enabled = {code for code, on in CODES.items() if on}
    codes = sorted(CODES)
    for layer_select, layer_extend, layer_ignore in ((select, extend, ignore), *more):
        updates: dict[str, bool] = {}
        for code in codes:
            chosen = max((_specificity(s, code) for s in (*(layer_select or ()), *layer_extend)),
                         default=0)
            dropped = max((_specificity(s, code) for s in layer_ignore), default=0)
            if chosen or dropped:
                updates[code] = chosen > dropped
        if layer_select is not None:
            enabled = set()
        for code, on in updates.items():
            if on:
                enabled.add(code)
            else:
                enabled.discard(code)
    return frozenset(enabled)


def ignored_for(per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...],
                relpath: str) -> tuple[str, ...]:
    """The selectors `per-file-ignores` applies to the file at `relpath` (root-relative)."""
    ignored: list[str] = []
    for pattern, codes in per_file_ignores:
        if glob_match(pattern, relpath):
            ignored.extend(codes)
    return tuple(ignored)


def ignored_in_tests(test_paths: tuple[str, ...], test_ignore: tuple[str, ...],
                     relpath: str) -> tuple[str, ...]:
    """The `test-ignore` selectors when the file at `relpath` (root-relative) is test code by
    one of the `test-paths` globs; none otherwise."""
    if test_ignore and any(glob_match(pattern, relpath) for pattern in test_paths):
        return test_ignore
    return ()


def without_ignored(enabled: frozenset[str], ignored: tuple[str, ...]) -> frozenset[str]:
    """`enabled` less the codes one of the `ignored` prefixes covers."""
    if not ignored:
        return enabled
    return frozenset(c for c in enabled if not any(c.startswith(p) for p in ignored))
