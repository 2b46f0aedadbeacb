"""End to end through the editor door: `asynclint server` as a subprocess, driven by pytest-lsp's
real LSP client. Edits the server returns are applied here, independently of asynclint's own
code, and compared with what `asynclint check --fix` writes."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

SERVER = [sys.executable, "-m", "asynclint", "server"]
WAIT = 10.0  # seconds; a safety net against a hung server, not a speed expectation

SLEEPY = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
TWO_SLEEPS = (
    '"""Doc."""\nimport time\n\n\nasync def f():\n    time.sleep(1)\n    x = 1\n'
    "    time.sleep(x)\n    return (time.sleep(2), x)\n"
)

PUSH = types.ClientCapabilities()
PULL = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities(dynamic_registration=False)
    ),
    workspace=types.WorkspaceClientCapabilities(
        diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    ),
)


# -- helpers ------------------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def session(
    capabilities: types.ClientCapabilities = PUSH,
    options: Any = None,
    root: Path | None = None,
) -> AsyncIterator[LanguageClient]:
    client = make_test_lsp_client()
    applied: list[types.WorkspaceEdit] = []
    client.applied = applied  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(ls: LanguageClient, params: types.ApplyWorkspaceEditParams
                   ) -> types.ApplyWorkspaceEditResult:
        applied.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    registered: list[types.Registration] = []
    client.registered = registered  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(ls: LanguageClient, params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    await client.start_io(*SERVER)
    try:
        params = types.InitializeParams(
            capabilities=capabilities,
            initialization_options=options,
            root_uri=root.as_uri() if root else None,
        )
        result = await asyncio.wait_for(client.initialize_session(params), WAIT)
        client.init_result = result  # type: ignore[attr-defined]
        yield client
    finally:
        # Shut down even after a failed assertion: a server left running would hang `stop`.
        await asyncio.wait_for(client.shutdown_session(), WAIT)
        await client.stop()


def write(tmp_path: Path, text: str, name: str = "app.py") -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, path.as_uri()


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version,
                                             text=text)))


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def published(client: LanguageClient, uri: str) -> types.PublishDiagnosticsParams:
    """The next diagnostics pushed for `uri`."""
    while True:
        params = await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), WAIT)
        if params.uri == uri:
            return params  # type: ignore[no-any-return]


# Units of one character in each LSP position encoding (written here, not taken from asynclint).
UNITS = {
    "utf-16": lambda ch: 2 if ord(ch) > 0xFFFF else 1,
    "utf-8": lambda ch: len(ch.encode("utf-8")),
    "utf-32": lambda ch: 1,
}


def offset(text: str, pos: types.Position, encoding: str = "utf-16") -> int:
    """An LSP position as an index into `text`."""
    lines = text.splitlines(keepends=True)
    base = sum(len(line) for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return base + i
        units += UNITS[encoding](ch)
    return base + len(line.rstrip("\r\n")) if units < pos.character else base + len(line)


def apply(text: str, uri: str, edit: types.WorkspaceEdit, encoding: str = "utf-16") -> str:
    edits: list[types.TextEdit] = []
    if edit.changes:
        edits.extend(edit.changes[uri])
    for change in edit.document_changes or ():
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == uri
        edits.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    spans = sorted(((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding),
                     e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


_cli_fixed: dict[tuple[str, tuple[str, ...]], str] = {}


def cli_fix(tmp_path: Path, text: str, *flags: str) -> str:
    """What `asynclint check --fix` writes for `text` (run once per text: it is a subprocess)."""
    key = (text, flags)
    if key not in _cli_fixed:
        target = tmp_path / "cli" / "app.py"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        subprocess.run([sys.executable, "-m", "asynclint", "check", "--no-cache", "--fix",
                        *flags, str(target)], capture_output=True, text=True, cwd=tmp_path)
        _cli_fixed[key] = target.read_text(encoding="utf-8")
    return _cli_fixed[key]


async def actions(client: LanguageClient, uri: str, rng: types.Range,
                  only: list[str] | None = None,
                  diagnostics: list[types.Diagnostic] | None = None) -> list[types.CodeAction]:
    result = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
    )), WAIT)
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def edit_of(client: LanguageClient, action: types.CodeAction) -> types.WorkspaceEdit:
    """The action's edit, resolved through `codeAction/resolve` when it was offered lazily."""
    if action.edit is None:
        action = await asyncio.wait_for(client.code_action_resolve_async(action), WAIT)
    assert action.edit is not None
    return action.edit


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


# -- diagnostics ----------------------------------------------------------------------------------
async def test_push_diagnostics_on_open(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session() as client:
        open_doc(client, uri, SLEEPY)
        params = await published(client, uri)
    assert params.version == 1
    [diag] = params.diagnostics
    assert diag.code == "ASL100"
    assert diag.source == "asynclint"
    assert diag.severity == types.DiagnosticSeverity.Warning
    assert diag.code_description is not None
    assert diag.code_description.href.endswith("/ASL100/")
    assert diag.range == types.Range(start=pos(4, 4), end=pos(4, 17))
    assert diag.data["code"] == "ASL100"
    assert diag.data["fix"]["applicability"] == "safe"


async def test_unsaved_buffer_is_checked_and_changes_update(tmp_path: Path) -> None:
    _, uri = write(tmp_path, "x = 1\n")  # the file on disk is clean; the buffer is not
    async with session() as client:
        open_doc(client, uri, SLEEPY)
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]
        # Several quick edits: the debounced check reports the last one.
        for version, body in enumerate(("    pass\n", "    time.sleep(2)\n", "    return 1\n"), 2):
            change_doc(client, uri, "import time\n\n\nasync def f():\n" + body, version)
        params = await published(client, uri)
        while params.version != 4:
            params = await published(client, uri)
        assert params.diagnostics == ()
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert (await published(client, uri)).diagnostics == ()
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert (await published(client, uri)).diagnostics == ()


async def test_uri_with_escapes_and_non_python_documents(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY, "my app.py")
    assert "%20" in uri
    _, toml = write(tmp_path, "[tool.asynclint]\n", "pyproject.toml")
    async with session() as client:
        open_doc(client, uri, SLEEPY)
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=toml, language_id="toml", version=1,
                                                 text="[tool.asynclint]\n")))
        report = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=toml))),
            WAIT)
        assert report.items == ()
        # Re-published under the client's own spelling of the URI after a settings change.
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"ignore": ["ASL100"]}}))
        assert (await published(client, uri)).diagnostics == ()
    assert toml not in client.diagnostics


async def test_pull_diagnostics(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session(PULL) as client:
        open_doc(client, uri, SLEEPY)
        report = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))),
            WAIT)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert [d.code for d in report.items] == ["ASL100"]
        again = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                           previous_result_id=report.result_id)), WAIT)
        assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
        change_doc(client, uri, "async def f():\n    pass\n", 2)
        fresh = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                           previous_result_id=report.result_id)), WAIT)
        assert isinstance(fresh, types.RelatedFullDocumentDiagnosticReport)
        assert fresh.items == ()
    # A client that pulls is not also pushed to (it would show everything twice).
    assert uri not in client.diagnostics


async def test_non_ascii_before_a_finding_counts_utf16_units(tmp_path: Path) -> None:
    text = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'
    _, uri = write(tmp_path, text)
    prefix = '    x = "é😀"; '
    async with session() as client:
        open_doc(client, uri, text)
        [diag] = (await published(client, uri)).diagnostics
        assert diag.range.start.character == len(prefix.encode("utf-16-le")) // 2 == 15
        found = await actions(client, uri, diag.range, diagnostics=[diag])
        assert [a.kind for a in found] == ["quickfix", "quickfix", "source.fixAll.asynclint"]
        fix = found[0]
        assert fix.edit is not None
        assert apply(text, uri, fix.edit) == cli_fix(tmp_path, text)


async def test_utf32_when_the_client_offers_only_that(tmp_path: Path) -> None:
    text = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'
    _, uri = write(tmp_path, text)
    caps = types.ClientCapabilities(general=types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf32]))
    async with session(caps) as client:
        assert client.init_result.capabilities.position_encoding == "utf-32"
        open_doc(client, uri, text)
        [diag] = (await published(client, uri)).diagnostics
    assert diag.range.start.character == len('    x = "é😀"; ') == 14


async def test_unparsable_buffer_gives_a_syntax_diagnostic_and_the_server_lives_on(
    tmp_path: Path,
) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session() as client:
        open_doc(client, uri, "async def f(:\n    pass\n")
        [diag] = (await published(client, uri)).diagnostics
        assert diag.code == "E999"
        assert diag.severity == types.DiagnosticSeverity.Error
        assert diag.message.startswith("SyntaxError")
        assert await actions(client, uri, diag.range) == []
        for version, broken in enumerate(["x = 1\x00\n", "x = " + "(" * 300 + ")" * 300], 2):
            change_doc(client, uri, broken, version)
            [diag] = (await published(client, uri)).diagnostics
            assert diag.code == "E999"
        change_doc(client, uri, SLEEPY, 9)
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]


# -- code actions -----------------------------------------------------------------------------------
async def test_quick_fix_applies_like_the_cli(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session() as client:
        open_doc(client, uri, SLEEPY)
        [diag] = (await published(client, uri)).diagnostics
        found = await actions(client, uri, diag.range, only=[types.CodeActionKind.QuickFix],
                              diagnostics=[diag])
    fix, noqa = found
    assert fix.title == "asynclint (ASL100): Replace with `await asyncio.sleep(...)`"
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert list(fix.diagnostics or ()) == [diag]
    assert fix.edit is not None
    assert apply(SLEEPY, uri, fix.edit) == cli_fix(tmp_path, SLEEPY)
    assert noqa.title == "asynclint (ASL100): Disable ASL100 for this line"


async def test_a_fix_offered_for_an_older_version_is_not_applied(tmp_path: Path) -> None:
    caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]))))
    _, uri = write(tmp_path, SLEEPY)
    async with session(caps) as client:
        open_doc(client, uri, SLEEPY)
        [diag] = (await published(client, uri)).diagnostics
        [fix] = [a for a in await actions(client, uri, diag.range) if a.is_preferred]
        moved = "\n" + SLEEPY
        # Listen before changing: the re-check may be pushed while the resolve is answered.
        republished = asyncio.ensure_future(published(client, uri))
        change_doc(client, uri, moved, 2)
        stale = await asyncio.wait_for(client.code_action_resolve_async(fix), WAIT)
        assert stale.edit is None
        assert any("changed since the fix was offered" in m.message for m in client.log_messages)
        [diag] = (await republished).diagnostics
        [fix] = [a for a in await actions(client, uri, diag.range) if a.is_preferred]
        assert apply(moved, uri, await edit_of(client, fix)) == cli_fix(tmp_path, moved)


async def test_code_actions_only_for_the_requested_range(tmp_path: Path) -> None:
    _, uri = write(tmp_path, TWO_SLEEPS)
    async with session() as client:
        open_doc(client, uri, TWO_SLEEPS)
        diags = (await published(client, uri)).diagnostics
        assert len(diags) == 3
        line7 = types.Range(start=pos(7, 0), end=pos(7, 0))
        found = await actions(client, uri, line7, only=[types.CodeActionKind.QuickFix])
    assert found == []


async def test_a_noqa_for_a_peer_code_suppresses_in_the_editor(tmp_path: Path) -> None:
    """Peer codes apply in this door as in the CLI: `# noqa: ASYNC251` silences ASL100."""
    text = SLEEPY.replace("time.sleep(1)\n", "time.sleep(1)  # noqa: ASYNC251\n")
    _, uri = write(tmp_path, text)
    async with session() as client:
        open_doc(client, uri, text)
        assert (await published(client, uri)).diagnostics == ()


async def test_disable_for_this_line_adds_or_extends_noqa(tmp_path: Path) -> None:
    extended = SLEEPY.replace("time.sleep(1)\n", "time.sleep(1)  # noqa: E501\n")
    _, uri = write(tmp_path, SLEEPY)
    async with session() as client:
        for version, (text, expected_line) in enumerate([
            (SLEEPY, "    time.sleep(1)  # noqa: ASL100"),
            (extended, "    time.sleep(1)  # noqa: E501, ASL100"),
        ], 1):
            if version == 1:
                open_doc(client, uri, text)
            else:
                change_doc(client, uri, text, version)
            [diag] = (await published(client, uri)).diagnostics
            [noqa] = [a for a in await actions(client, uri, diag.range)
                      if a.title.endswith("for this line")]
            assert noqa.edit is not None
            new_text = apply(text, uri, noqa.edit)
            assert new_text.splitlines()[4] == expected_line
            change_doc(client, uri, new_text, version + 10)
            assert (await published(client, uri)).diagnostics == ()


async def test_fix_all_equals_cli_fix(tmp_path: Path) -> None:
    _, uri = write(tmp_path, TWO_SLEEPS)
    async with session() as client:
        open_doc(client, uri, TWO_SLEEPS)
        assert len((await published(client, uri)).diagnostics) == 3
        whole = types.Range(start=pos(0, 0), end=pos(0, 0))
        [fix_all] = await actions(client, uri, whole, only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.asynclint"
    assert fix_all.edit is not None
    expected = cli_fix(tmp_path, TWO_SLEEPS)
    assert expected != TWO_SLEEPS
    assert apply(TWO_SLEEPS, uri, fix_all.edit) == expected


async def test_apply_autofix_command_sends_workspace_edit(tmp_path: Path) -> None:
    _, uri = write(tmp_path, TWO_SLEEPS)
    async with session() as client:
        open_doc(client, uri, TWO_SLEEPS)
        await published(client, uri)
        await asyncio.wait_for(client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="asynclint.applyAutofix", arguments=[{"uri": uri, "version": 1}])), WAIT)
        [edit] = client.applied  # type: ignore[attr-defined]
    assert apply(TWO_SLEEPS, uri, edit) == cli_fix(tmp_path, TWO_SLEEPS)


# -- hover ------------------------------------------------------------------------------------------
async def test_hover_on_finding_and_on_noqa_code(tmp_path: Path) -> None:
    text = SLEEPY + "\n\ndef g():\n    pass  # noqa: ASL100\n"
    _, uri = write(tmp_path, text)
    async with session() as client:
        open_doc(client, uri, text)
        await published(client, uri)
        hovers = []
        for at in (pos(4, 8), pos(8, 20), pos(1, 0)):
            hovers.append(await asyncio.wait_for(client.text_document_hover_async(
                types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                  position=at)), WAIT))
    on_finding, on_noqa, elsewhere = hovers
    for hover in (on_finding, on_noqa):
        assert isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert hover.contents.value.startswith("# blocking-sleep-in-async (ASL100)")
    assert on_noqa.range == types.Range(start=pos(8, 18), end=pos(8, 24))
    assert elsewhere is None


# -- settings -----------------------------------------------------------------------------------------
async def test_initialization_options_override_selection(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session(options={"ignore": ["ASL100"]}) as client:
        open_doc(client, uri, SLEEPY)
        assert (await published(client, uri)).diagnostics == ()
    # A typo is reported and skipped; the rest still applies and the server works.
    async with session(options={"asynclint": {"select": ["ASL9", "ASL1"]}}) as client:
        open_doc(client, uri, SLEEPY)
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]
        assert any("ASL9" in m.message for m in client.messages)


async def test_did_change_configuration_takes_effect_without_restart(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session() as client:
        open_doc(client, uri, SLEEPY)
        assert len((await published(client, uri)).diagnostics) == 1
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"ignore": ["ASL100"]}}))
        assert (await published(client, uri)).diagnostics == ()
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"select": ["ASL1"]}}))
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]
        # A wrong value is reported, never fatal.
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"select": ["NOPE1"]}}))
        await published(client, uri)
        assert any("NOPE1" in m.message for m in client.log_messages)


async def test_config_pulled_when_the_client_sends_no_settings(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    caps = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        configuration=True))
    async with session(caps) as client:
        open_doc(client, uri, SLEEPY)
        assert len((await published(client, uri)).diagnostics) == 1
        client.set_configuration({"ignore": ["ASL1"]}, section="asynclint")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings=None))
        assert (await published(client, uri)).diagnostics == ()


async def test_config_change_refreshes_pull_clients(tmp_path: Path) -> None:
    _, uri = write(tmp_path, SLEEPY)
    async with session(PULL) as client:
        open_doc(client, uri, SLEEPY)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"ignore": ["ASL100"]}}))
        report = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))),
            WAIT)
        assert report.items == ()
        assert client.diagnostic_refresh_count >= 1


async def test_broken_pyproject_is_reported_and_its_fix_picked_up(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[tool.asynclint\nselect = [\n", encoding="utf-8")
    _, uri = write(project, SLEEPY)
    async with session(root=project) as client:
        open_doc(client, uri, SLEEPY)
        # Checked with the defaults meanwhile, and the user is told why.
        assert [d.code for d in (await published(client, uri)).diagnostics] == ["ASL100"]
        assert any("pyproject.toml" in m.message and "invalid TOML" in m.message
                   for m in client.messages)
        pyproject.write_text('[tool.asynclint]\nignore = ["ASL100"]\n', encoding="utf-8")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]))
        assert (await published(client, uri)).diagnostics == ()


async def test_pyproject_settings_apply(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nper-file-ignores = {"legacy/*" = ["ASL100"]}\n', encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    _, legacy = write(tmp_path, SLEEPY, "legacy/old.py")
    _, app = write(tmp_path, SLEEPY)
    async with session(root=tmp_path) as client:
        open_doc(client, legacy, SLEEPY)
        assert (await published(client, legacy)).diagnostics == ()
        open_doc(client, app, SLEEPY)
        assert len((await published(client, app)).diagnostics) == 1


# -- real editors' capabilities --------------------------------------------------------------------
NON_ASCII = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'


@pytest.mark.parametrize(("editor", "encoding", "character"), [
    ("neovim@v0.7.0", "utf-16", 15),  # push only, no position encodings offered
    ("neovim@v0.11.0", "utf-8", 18),  # pulls diagnostics, offers utf-8 first
    ("visual-studio-code", "utf-16", 15),
    ("emacs", "utf-32", 14),
])
async def test_editor_round_trip(tmp_path: Path, editor: str, encoding: str,
                                 character: int) -> None:
    _, uri = write(tmp_path, NON_ASCII)
    caps = client_capabilities(editor)
    async with session(caps) as client:
        assert client.init_result.capabilities.position_encoding == encoding
        open_doc(client, uri, NON_ASCII)
        if caps.text_document and caps.text_document.diagnostic:
            report = await asyncio.wait_for(client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
            [diag] = report.items
        else:
            [diag] = (await published(client, uri)).diagnostics
        assert diag.range.start.character == character
        if editor == "visual-studio-code":  # the one of these that lets servers watch files
            [watch] = client.registered  # sent before any diagnostics
            assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            assert [w["globPattern"] for w in watch.register_options["watchers"]] == [
                "**/pyproject.toml"]
        found = await actions(client, uri, diag.range, diagnostics=[diag])
        [fix] = [a for a in found if a.is_preferred]
        [fix_all] = [a for a in found if a.kind == "source.fixAll.asynclint"]
        # Editors that resolve an action's edit when it is picked get none while listing
        # (listing then costs no fix); the others get it at once.
        resolve = caps.text_document and caps.text_document.code_action and \
            caps.text_document.code_action.resolve_support
        lazy = bool(resolve and "edit" in resolve.properties)
        assert lazy == (editor != "emacs")
        assert (fix.edit is None, fix_all.edit is None) == (lazy, lazy)
        expected = cli_fix(tmp_path, NON_ASCII)
        assert apply(NON_ASCII, uri, await edit_of(client, fix), encoding) == expected
        assert apply(NON_ASCII, uri, await edit_of(client, fix_all), encoding) == expected
        [noqa] = [a for a in found if a.title.endswith("for this line")]
        assert noqa.edit is not None
        assert apply(NON_ASCII, uri, noqa.edit, encoding).splitlines()[4] == (
            '    x = "é😀"; time.sleep(1)  # noqa: ASL100')


# -- the start-up contract ---------------------------------------------------------------------------
def test_cli_does_not_import_pygls() -> None:
    code = ("import sys, asynclint.cli, asynclint.engine.run; "
            "sys.exit(any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
