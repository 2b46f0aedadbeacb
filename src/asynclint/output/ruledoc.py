"""A rule's documentation, rendered from its metadata: for `asynclint rule`, the docs pages,
LSP hover and the SARIF rule table. The metadata is handed in (a rule class fits `RuleDoc`):
output renders rules, it does not load them."""

from __future__ import annotations

from typing import Any, Protocol

from asynclint.config import SCHEMA, SettingSpec
from asynclint.diagnostics import DOCS_URL, Applicability

# Where the configuration reference lives, relative to a rule page of the docs site.
CONFIG_DOCS = "../configuration.md"


class RuleDoc(Protocol):
    """What a page needs to know of a rule: the metadata every rule class declares."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def message_formats(self) -> tuple[str, ...]: ...
    @property
    def explanation(self) -> str: ...
    @property
    def bad_example(self) -> str: ...
    @property
    def good_example(self) -> str: ...
    @property
    def example_config(self) -> str: ...
    @property
    def fix_title(self) -> str | None: ...
    @property
    def fix_applicability(self) -> Applicability | None: ...
    @property
    def fix_safety(self) -> str: ...
    @property
    def overlaps(self) -> tuple[str, ...]: ...
    @property
    def default_enabled(self) -> bool: ...


_FAMILIES = {
    "1": "blocking call in a coroutine",
    "2": "un-awaited coroutine",
    "3": "event-loop misuse",
    "4": "missed concurrency",
    "5": "task lifecycle",
}


def options(rule: RuleDoc) -> list[SettingSpec]:
    """The settings that tune this rule (`SettingSpec.rules` holds code prefixes)."""
    return [spec for spec in SCHEMA if any(rule.code.startswith(p) for p in spec.rules)]


def family(rule: RuleDoc) -> str:
    return _FAMILIES.get(rule.code[3], "other")


def fix_sentence(rule: RuleDoc) -> str:
    if rule.fix_applicability is None:
        return "No fix is available."
    kind = {
        Applicability.SAFE: "a safe fix (applied by `--fix`)",
        Applicability.UNSAFE: "an unsafe fix (applied by `--fix --unsafe-fixes`)",
        Applicability.DISPLAY_ONLY: "a suggested fix that is shown but never applied",
    }[rule.fix_applicability]
    return f"Fix is sometimes available: {kind}."


def fix_availability(rule: RuleDoc) -> str:
    """ruff's wording: None, Sometimes or Always (no asynclint fix applies everywhere)."""
    return "None" if rule.fix_applicability is None else "Sometimes"


def fixed_example_parts(rule: RuleDoc, fixed_example: str) -> list[str]:
    """What `--fix` makes of the rule's bad example (`fixed_example`, the text of
    fixtures/<CODE>/example.fixed.py), as Markdown lines."""
    config = " (with the setting above)" if rule.example_config else ""
    if fixed_example == rule.bad_example:
        why = {
            None: ": this rule has no fix",
            Applicability.DISPLAY_ONLY: ": its fix is only suggested, shown with the finding "
                                        "and never applied",
        }.get(rule.fix_applicability, "")
        return [f"`asynclint check --fix` leaves the flagged example as it is, even with "
                f"`--unsafe-fixes`{why}."]
    command = ("asynclint check --fix" if rule.fix_applicability is Applicability.SAFE
               else "asynclint check --fix --unsafe-fixes")
    return [f"What `{command}` makes of the flagged example{config}:", "", "```python",
            fixed_example.rstrip("\n"), "```"]


def markdown(rule: RuleDoc, fixed_example: str | None = None) -> str:
    """The whole page for one rule, as Markdown. `fixed_example`, when given, is what `--fix`
    makes of the bad example (the docs generator reads it from the rule's fixtures; the
    installed package has none, so `asynclint rule` and its JSON leave it out)."""
    parts = [
        f"# {rule.name} ({rule.code})",
        "",
        f"Family: {family(rule)} (`{rule.code[:4]}`). "
        + ("Enabled by default." if rule.default_enabled else "Not enabled by default: select it."),
        "",
        fix_sentence(rule),
        "",
        "## What it does",
        "",
        rule.summary[0].upper() + rule.summary[1:] + ".",
        "",
        "## Why is this bad?",
        "",
        rule.explanation,
        "",
        "## Example",
        "",
        *(["With this in `[tool.asynclint]`:", "", "```toml", rule.example_config, "```", ""]
          if rule.example_config else []),
        "```python",
        rule.bad_example.rstrip("\n"),
        "```",
        "",
        "Use instead:",
        "",
        "```python",
        rule.good_example.rstrip("\n"),
        "```",
    ]
    if fixed_example is not None:
        parts += ["", *fixed_example_parts(rule, fixed_example)]
    if rule.fix_title or rule.fix_safety:
        parts += ["", "## Fix safety", ""]
        if rule.fix_title:
            parts += [f"The fix: {rule.fix_title[0].lower()}{rule.fix_title[1:]}.", ""]
        parts += [rule.fix_safety or fix_sentence(rule)]
    tuning = options(rule)
    parts += ["", "## Options", ""]
    if tuning:
        parts += [f"- [`{spec.key}`]({CONFIG_DOCS}#{spec.key}): {spec.doc}" for spec in tuning]
    else:
        parts += ["This rule has no settings of its own; it is selected, ignored and suppressed "
                  "like every rule."]
    parts += [
        "",
        "## Suppression",
        "",
        f"Add `# noqa: {rule.code}` to the line, or ignore it in `[tool.asynclint]` "
        f'(`ignore = ["{rule.code}"]`, or per file with `per-file-ignores`).',
    ]
    if rule.overlaps:
        others = ", ".join(f"`{c}`" for c in rule.overlaps)
        parts += [
            "",
            f"Overlaps with {others} of ruff / flake8-async. A `# noqa` naming one of these peer "
            f"codes suppresses {rule.code} on that line too: `# noqa: {rule.overlaps[0]}` "
            "silences both tools (asynclint's own doors — the command line, the editor, pytest; "
            f"setting [`noqa-peer-codes`]({CONFIG_DOCS}#noqa-peer-codes)). Under flake8, which "
            f"reads `# noqa` itself, name the asynclint code too: "
            f"`# noqa: {rule.overlaps[0]}, {rule.code}`.",
        ]
    return "\n".join(parts) + "\n"


def as_json(rule: RuleDoc) -> dict[str, Any]:
    """`asynclint rule --output-format json`, keys as ruff's."""
    return {
        "name": rule.name,
        "code": rule.code,
        "linter": "asynclint",
        "summary": rule.summary,
        "message_formats": list(rule.message_formats),
        "fix": fix_sentence(rule),
        "fix_availability": fix_availability(rule),
        "fix_applicability": rule.fix_applicability.value if rule.fix_applicability else None,
        "explanation": markdown(rule),
        "preview": False,
        "default_enabled": rule.default_enabled,
        "overlaps": list(rule.overlaps),
        "url": DOCS_URL.format(code=rule.code),
    }
