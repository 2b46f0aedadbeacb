"""The VS Code extension (editors/vscode) speaks the server's language: the settings it declares
are the ones the server reads, its "Fix all" calls the server's command, and fix-on-save names
the server's code action kind. (Its own logic is tested by `npm test` there; .ci/run runs it.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

from asynclint.lsp.server import APPLY_AUTOFIX, FIX_ALL_KIND
from asynclint.lsp.settings import EDITOR_KEYS

EXTENSION = Path(__file__).resolve().parents[1] / "editors" / "vscode"
MANIFEST = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
CONFIG_TS = (EXTENSION / "src" / "config.ts").read_text(encoding="utf-8")
# Settings of the extension itself, not sent to the server.
OWN = {"enable", "path", "interpreter", "trace.server"}


def test_declared_settings_are_the_servers() -> None:
    declared = {key.removeprefix("asynclint.")
                for key in MANIFEST["contributes"]["configuration"]["properties"]}
    camel_case = {key for key in EDITOR_KEYS if "-" not in key}
    assert declared - OWN == camel_case
    match = re.search(r"SERVER_SETTING_KEYS = \[(.*?)\]", CONFIG_TS)
    assert match is not None
    assert set(re.findall(r'"(\w+)"', match[1])) == camel_case


def test_fix_all_calls_the_servers_command() -> None:
    assert f'SERVER_FIX_ALL_COMMAND = "{APPLY_AUTOFIX}"' in CONFIG_TS


def test_fix_on_save_names_the_servers_code_action_kind() -> None:
    readme = (EXTENSION / "README.md").read_text(encoding="utf-8")
    assert f'"{FIX_ALL_KIND}": "explicit"' in readme


def test_the_extension_starts_the_server_command() -> None:
    assert '"server"' in CONFIG_TS and '"-m", "asynclint", "server"' in CONFIG_TS
    assert MANIFEST["main"] == "./dist/extension.js"
