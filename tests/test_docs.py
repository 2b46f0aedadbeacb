"""The generated docs are current, and what they show works."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from asynclint.config import SCHEMA, ConfigError, settings_from_table
from asynclint.rules import REGISTRY
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent


def _gen_docs() -> ModuleType:
    return load_script("gen_docs.py", "gen_docs")


def test_generated_pages_are_current() -> None:
    stale = _gen_docs().stale(ROOT)
    assert not stale, f"stale docs (run `python scripts/gen_docs.py`): {stale}"


def test_stale_check_can_fail(tmp_path: Path) -> None:
    gen = _gen_docs()
    for path, text in gen.generate().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    assert gen.stale(tmp_path) == []
    page = tmp_path / "docs/rules/ASL100.md"
    page.write_text(page.read_text() + "edited\n")
    (tmp_path / "docs/rules/ASL999.md").write_text("# gone\n")
    cli = tmp_path / "docs/cli.md"
    cli.write_text(cli.read_text().replace("--unsafe-fixes", "--unsafe"))
    nav = tmp_path / "mkdocs.yml"
    nav.write_text(nav.read_text().replace("rules/ASL100.md\n", ""))
    assert gen.stale(tmp_path) == ["docs/cli.md", "docs/rules/ASL100.md", "mkdocs.yml",
                                   "docs/rules/ASL999.md (no such rule)"]


def test_every_rule_and_setting_is_documented() -> None:
    index = (ROOT / "docs/rules/index.md").read_text()
    for code, rule in REGISTRY.items():
        page = (ROOT / f"docs/rules/{code}.md").read_text()
        assert rule.bad_example.strip() in page and rule.good_example.strip() in page
        assert f"[{code}]({code}.md)" in index
    config = (ROOT / "docs/configuration.md").read_text()
    for spec in SCHEMA:
        assert f"### `{spec.key}`" in config
    nav = (ROOT / "mkdocs.yml").read_text()
    for code in REGISTRY:
        assert f"rules/{code}.md" in nav, f"{code} missing from the site's nav"


def test_rule_pages_show_what_fix_makes_of_the_example() -> None:
    """Each page shows fixtures/<CODE>/example.fixed.py (or says why the example stays as it
    is); apart from that it is `asynclint rule CODE`, which has no fixtures to read."""
    from asynclint.output.ruledoc import fixed_example_parts, markdown

    gen = _gen_docs()
    for code, rule in REGISTRY.items():
        fixed = (ROOT / "fixtures" / code / "example.fixed.py").read_text(encoding="utf-8")
        page = (ROOT / f"docs/rules/{code}.md").read_text(encoding="utf-8")
        shown = "\n".join(fixed_example_parts(rule, fixed))
        if fixed == rule.bad_example:
            assert "leaves the flagged example as it is" in shown
        else:
            assert fixed.strip() in shown and "makes of the flagged example" in shown
        assert page.count(shown) == 1, code
        body = page.split("\n\n", 1)[1]  # below the "generated" comment
        assert body == markdown(rule, fixed) == gen.markdown(rule, gen.fixed_example(rule))
        assert body.replace("\n\n" + shown, "", 1) == markdown(rule), code


def test_every_setting_that_tunes_a_rule_is_on_its_page() -> None:
    for spec in SCHEMA:
        for prefix in spec.rules:
            for code in (c for c in REGISTRY if c.startswith(prefix)):
                page = (ROOT / f"docs/rules/{code}.md").read_text()
                assert f"[`{spec.key}`](../configuration.md#{spec.key})" in page, (code, spec.key)


def test_every_command_line_option_is_documented() -> None:
    """The CLI reference is generated from the parser the command uses: every option of every
    subcommand appears, with its help text."""
    import argparse

    from asynclint.cli import build_parser

    page = (ROOT / "docs/cli.md").read_text()
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        assert f"## `asynclint {name}`" in page
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in page, f"asynclint {name} {option}"
            if action.help and action.help != argparse.SUPPRESS:
                assert action.help.replace("|", "\\|") in page, action.help


def test_cli_reference_does_not_depend_on_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults that come from ASYNCLINT_* variables and the terminal width do not leak in."""
    monkeypatch.setenv("ASYNCLINT_OUTPUT_FORMAT", "json")
    monkeypatch.setenv("COLUMNS", "40")
    gen = _gen_docs()
    assert gen.cli_reference() == (ROOT / "docs/cli.md").read_text()


def test_changelog_names_every_rule() -> None:
    """Version policy: a rule's arrival is noted in CHANGELOG.md (a retired code stays there)."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    missing = [code for code in REGISTRY if f"`{code}`" not in changelog]
    assert not missing, f"add these rules to CHANGELOG.md: {missing}"


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("page", ["docs/configuration.md", "docs/usage.md", "docs/index.md",
                                  "docs/integrations.md", "README.md"])
def test_toml_examples_are_valid_configuration(page: str, tmp_path: Path) -> None:
    blocks = _toml_blocks((ROOT / page).read_text())
    assert blocks or page != "docs/configuration.md"
    for block in blocks:
        data = tomllib.loads(block)
        table = data.get("tool", {}).get("asynclint")
        if table is None:
            continue  # e.g. a [tool.ruff] example
        try:
            settings_from_table(table, tmp_path, page)
        except ConfigError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{page}: example does not validate: {exc}\n{block}")


def test_rule_examples_behave_as_documented(tmp_path: Path) -> None:
    """Each rule's bad example is flagged by that rule and its good example is not."""
    from asynclint.config import Settings
    from asynclint.engine.run import RunOptions, check_file

    for code, rule in REGISTRY.items():
        settings = Settings(root=tmp_path, select=(code,))
        if rule.example_config:
            settings = settings_from_table(tomllib.loads(rule.example_config), tmp_path,
                                           f"{code} example_config", settings)
        for name, text, flagged in (("bad.py", rule.bad_example, True),
                                    ("good.py", rule.good_example, False)):
            path = tmp_path / name
            path.write_text(text)
            report = check_file(str(path), settings, RunOptions(use_cache=False))
            codes = [d.code for d in report.diagnostics]
            assert (code in codes) is flagged, f"{code} {name}: {codes}"


def test_docs_name_no_machine_paths() -> None:
    """Reports pasted into the docs name no one machine's folders (a benchmark prints `~` and
    `./` paths, `benchmarks/run.py`'s `_shown_path`)."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    for page in docs.glob("*.md"):
        found = re.findall(r"(?<![\w.~])/(?:root|home|work|tmp|Users)/\S+", page.read_text())
        assert not found, (page.name, found[:3])
