"""`asynclint server`: a language server over stdio, thin over `asynclint.api`.

It checks the editor's unsaved text (never the file on disk), with the settings of the nearest
`pyproject.toml` plus the editor's overrides. Diagnostics are pushed to clients that cannot pull
them (after open, save, and changes: at once after a quiet spell, 30 ms after the last
keystroke of a burst) and served on `textDocument/diagnostic`
to clients that can, as ruff's server does. Fixes are computed only when code actions are asked
for, so typing never pays for libcst. Nothing a document or a config file contains may stop the
server: problems become diagnostics or `window/logMessage` / `window/showMessage` notifications.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

import asynclint.api as api  # not `from asynclint import api`: see pytest_plugin._Session
from asynclint import __version__
from asynclint.api import Analysis
from asynclint.config import ConfigError, Settings, SettingsResolver
from asynclint.diagnostics import (
    IO_ERROR,
    SYNTAX_ERROR,
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    Location,
)
from asynclint.lsp import edits as lsp_edits
from asynclint.lsp.positions import PositionCodec
from asynclint.lsp.settings import EDITOR_KEYS, SECTION_KEYS, EditorSettings, parse
from asynclint.source import SourceFile

NAME = "asynclint"
FIX_ALL_KIND = "source.fixAll.asynclint"
APPLY_AUTOFIX = "asynclint.applyAutofix"
DEBOUNCE_SECONDS = 0.03  # after the last keystroke; counts toward the latency a user feels
CONFIG_FILE_NAMES = ("pyproject.toml",)
PYTHON_SUFFIXES = (".py", ".pyi")
WATCHED_GLOBS = ("**/pyproject.toml",)

# Codes saying the input itself is broken are errors; every rule finding is a warning.
SEVERITY: dict[str, types.DiagnosticSeverity] = {
    SYNTAX_ERROR[0]: types.DiagnosticSeverity.Error,
    IO_ERROR[0]: types.DiagnosticSeverity.Error,
}
# Codes that can be neither fixed nor suppressed from the editor.
NOT_RULES = frozenset({SYNTAX_ERROR[0], IO_ERROR[0]})

_result_ids = itertools.count(1)
T = TypeVar("T")


@dataclass
class Checked:
    """One check of one version of a document, with the fixes computed on demand."""

    key: tuple[int | None, int]  # (document version, settings generation)
    text: str
    path: str | None
    settings: Settings
    analysis: Analysis
    codec: PositionCodec
    lsp: list[types.Diagnostic]
    result_id: str = field(default_factory=lambda: str(next(_result_ids)))
    _fixed: list[Diagnostic] | None = None
    _fix_all: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def source(self) -> SourceFile:
        return self.analysis.source

    def pairs(self) -> Iterator[tuple[Diagnostic, types.Diagnostic]]:
        return zip(self.analysis.diagnostics, self.lsp, strict=True)

    def fixed(self) -> list[Diagnostic]:
        """The diagnostics with their fixes attached (same order as `analysis.diagnostics`)."""
        with self._lock:
            if self._fixed is None:
                self._fixed = api.attach_fixes(self.analysis)
            return self._fixed

    def can_fix_all(self) -> bool:
        """Whether fix-all has anything to apply under the settings (as `--fix` would)."""
        allowed = {Applicability.SAFE}
        if self.settings.unsafe_fixes:
            allowed.add(Applicability.UNSAFE)
        return any(d.applicability in allowed for d in self.analysis.diagnostics)

    def fix_all(self) -> str:
        """The text `asynclint check --fix` would write for this buffer."""
        with self._lock:
            return self._fix_all_locked()

    def _fix_all_locked(self) -> str:
        if self._fix_all is None:
            self._fix_all = api.fix_source(self.analysis, self.settings, self.path)
        return self._fix_all

    def lsp_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(range=_range(self.codec, self.source, edit.start, edit.end),
                              new_text=edit.content)


def _range(codec: PositionCodec, source: SourceFile, start: Location, end: Location) -> types.Range:
    s, e = codec.to_lsp(source, start), codec.to_lsp(source, end)
    return types.Range(start=types.Position(line=s[0], character=s[1]),
                       end=types.Position(line=e[0], character=e[1]))


def _pos(p: types.Position) -> tuple[int, int]:
    return p.line, p.character


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _pos(a.start) <= _pos(b.end) and _pos(b.start) <= _pos(a.end)


def _wants(only: list[str] | None, kind: str) -> bool:
    """Whether a code action of `kind` was asked for (`only` lists kinds or their parents)."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


class AsyncLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(NAME, __version__)
        self.editor = EditorSettings({})
        self.generation = 0
        self.resolver = SettingsResolver()
        self.fallback = SettingsResolver(isolated=True)
        self.results: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.Handle] = {}
        self.last_change: dict[str, float] = {}  # loop time of each document's last change
        self.reported: set[str] = set()
        self.open: set[str] = set()  # URIs as the client spells them (pygls keys unquote them)

    # -- client capabilities ------------------------------------------------------------------
    def _cap(self, name: str) -> Any:
        return get_capability(self.client_capabilities, name, None)

    @property
    def pull_mode(self) -> bool:
        return self._cap("text_document.diagnostic") is not None

    # -- messages -------------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def problem(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tell the user once per settings generation (logged and shown)."""
        if message in self.reported:
            return
        self.reported.add(message)
        self.log(message, kind)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    # -- settings -------------------------------------------------------------------------------
    def configure(self, editor: EditorSettings, refresh: bool = True) -> None:
        """Take new editor settings (or re-read config files) and re-check without restart."""
        self.editor = editor
        self.resolver = SettingsResolver(overrides=dict(editor.overrides))
        self.fallback = SettingsResolver(overrides=dict(editor.overrides), isolated=True)
        self.generation += 1
        self.reported.clear()
        for message in editor.problems:
            self.problem(message, types.MessageType.Warning)
        if refresh:
            self.refresh()

    def settings_for(self, path: str | None) -> Settings:
        try:
            if path is not None:
                return self.resolver.for_path(Path(path))
            root = self.workspace.root_path
            return self.resolver.for_dir(Path(root)) if root else self.resolver.default()
        except ConfigError as exc:
            self.problem(f"asynclint: {exc} (checking with the default settings until it is "
                         "fixed)")
            return self.fallback.default()

    def refresh(self) -> None:
        """Re-check open documents after a settings change."""
        if self.pull_mode:
            if self._cap("workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        for uri in sorted(self.open):
            self.publish(uri)

    # -- checking -------------------------------------------------------------------------------
    def check(self, uri: str) -> Checked | None:
        """The current document's findings, re-checked only when its text or settings changed."""
        try:
            doc = self.workspace.get_text_document(uri)
            if not _is_python(uri, doc.language_id):
                return None
            text = doc.source
            key = (doc.version, self.generation)
            cached = self.results.get(uri)
            if cached is not None and cached.key == key and cached.text == text:
                return cached
            checked = self._check(uri, text, key)
        except Exception:  # a bug must not kill the server, nor hide it
            self.log(f"asynclint: internal error checking {uri}, please report it:\n"
                     f"{traceback.format_exc()}", types.MessageType.Error)
            return None
        self.results[uri] = checked
        return checked

    def _check(self, uri: str, text: str, key: tuple[int | None, int]) -> Checked:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        settings = self.settings_for(path)
        source = SourceFile(text)
        if path is not None and _excluded(settings, path):
            analysis = api.unchecked(source)
        else:
            analysis = api.analyze_source(source, settings, path, name=uri)
        codec = PositionCodec(self.workspace.position_encoding)
        lsp = [self._to_lsp(codec, source, d) for d in analysis.diagnostics]
        return Checked(key, text, path, settings, analysis, codec, lsp)

    @staticmethod
    def _to_lsp(codec: PositionCodec, source: SourceFile, d: Diagnostic) -> types.Diagnostic:
        data: dict[str, Any] = {"code": d.code, "noqaRow": d.noqa_row}
        if d.fixable and d.applicability is not None:
            data["fix"] = {"title": d.fix_title, "applicability": d.applicability.value}
        url = d.url
        return types.Diagnostic(
            range=_range(codec, source, d.start, d.end),
            message=d.message,
            severity=SEVERITY.get(d.code, types.DiagnosticSeverity.Warning),
            code=d.code,
            code_description=types.CodeDescription(href=url) if url else None,
            source=NAME,
            data=data,
        )

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if uri not in self.open:
            return
        checked = self.check(uri)
        if checked is None:
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=checked.lsp, version=checked.key[0]))

    def schedule(self, uri: str) -> None:
        """Debounce: check once typing pauses, not on every keystroke. A change after a quiet
        spell (no change for the debounce time) is checked at once: the delay only pays off
        inside a burst of keystrokes, and outside one it is pure latency."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        now = loop.time()
        last = self.last_change.get(uri)
        self.last_change[uri] = now
        if handle is None and (last is None or now - last >= DEBOUNCE_SECONDS):
            self.pending[uri] = loop.call_soon(self.publish, uri)
        else:
            self.pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self.publish, uri)

    def cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    # -- edits ----------------------------------------------------------------------------------
    def workspace_edit(self, uri: str, version: int | None,
                       edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        if self._cap("workspace.workspace_edit.document_changes"):
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri,
                                                                              version=version),
                edits=edits)])
        return types.WorkspaceEdit(changes={uri: edits})

    @property
    def lazy_edits(self) -> bool:
        """Whether the client resolves a code action's edit when it is picked (then offering
        a fix costs nothing; building fixes parses the file with libcst, slow on big files)."""
        properties = self._cap("text_document.code_action.resolve_support.properties")
        return "edit" in (properties or ())

    async def fix_all_edit(self, uri: str) -> types.WorkspaceEdit | None:
        checked = self.check(uri)
        if checked is None:
            return None
        new_text = await _off_loop(checked.fix_all)
        edit = lsp_edits.replacement_edit(checked.source, new_text)
        if edit is None:
            return None
        return self.workspace_edit(uri, checked.key[0], [checked.lsp_edit(edit)])

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        checked = self.check(uri)
        if checked is None:
            return []
        only = list(params.context.only) if params.context.only else None
        lazy = self.lazy_edits
        actions: list[types.CodeAction] = []
        if _wants(only, types.CodeActionKind.QuickFix):
            for index, (diag, lsp) in enumerate(checked.pairs()):
                if diag.code in NOT_RULES or not _overlaps(lsp.range, params.range):
                    continue
                if diag.fixable:
                    action = await self._quick_fix(checked, index, lsp, uri, lazy)
                    if action is not None:
                        actions.append(action)
                noqa = lsp_edits.noqa_edit(checked.source, diag)
                actions.append(types.CodeAction(
                    title=f"asynclint ({diag.code}): Disable {diag.code} for this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    edit=self.workspace_edit(uri, checked.key[0], [checked.lsp_edit(noqa)]),
                ))
        if _wants(only, FIX_ALL_KIND) and checked.can_fix_all():
            action = types.CodeAction(title="asynclint: Fix all auto-fixable problems",
                                      kind=FIX_ALL_KIND, data={"uri": uri, "fixAll": True})
            if not lazy:
                action.edit = await self.fix_all_edit(uri)
            if lazy or action.edit is not None:
                actions.append(action)
        return actions

    async def _quick_fix(self, checked: Checked, index: int, lsp: types.Diagnostic, uri: str,
                         lazy: bool) -> types.CodeAction | None:
        diag = checked.analysis.diagnostics[index]
        fix: Fix | None
        if lazy:  # title from the finding; the edit when the client resolves the action
            fix = Fix(diag.fix_title or "", diag.applicability or Applicability.DISPLAY_ONLY, ())
        else:
            fix = (await _off_loop(checked.fixed))[index].fix
        offer = quick_fix_offer(diag.code, fix)
        if fix is None or offer is None:
            return None
        title, preferred = offer
        action = types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[lsp],
            is_preferred=preferred,
            data={"uri": uri, "key": list(checked.key), "index": index},
        )
        if not lazy:
            action.edit = self.workspace_edit(uri, checked.key[0],
                                              [checked.lsp_edit(e) for e in fix.edits])
        return action

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """Fill in the edit of an action offered lazily."""
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if action.edit is not None or not isinstance(uri, str):
            return action
        if data.get("fixAll"):
            action.edit = await self.fix_all_edit(uri) or types.WorkspaceEdit(changes={})
            return action
        checked = self.check(uri)
        index = data.get("index")
        if checked is None or data.get("key") != list(checked.key) or not isinstance(index, int) \
                or not 0 <= index < len(checked.analysis.diagnostics):
            self.log(f"asynclint: {uri} changed since the fix was offered; ask again",
                     types.MessageType.Warning)
            return action
        fix = (await _off_loop(checked.fixed))[index].fix
        if fix is not None:
            action.edit = self.workspace_edit(uri, checked.key[0],
                                              [checked.lsp_edit(e) for e in fix.edits])
        return action

    # -- hover ----------------------------------------------------------------------------------
    def hover(self, params: types.HoverParams) -> types.Hover | None:
        checked = self.check(params.text_document.uri)
        if checked is None:
            return None
        from asynclint.output.ruledoc import markdown

        at = _pos(params.position)
        docs: list[str] = []
        where: types.Range | None = None
        for diag, lsp in checked.pairs():
            rule = api.rule(diag.code)
            if rule is not None and _pos(lsp.range.start) <= at <= _pos(lsp.range.end):
                text = markdown(rule)
                if text not in docs:
                    docs.append(text)
                    where = where or lsp.range
        if not docs:
            found = _noqa_code_at(checked, params.position)
            rule = api.rule(found[0]) if found is not None else None
            if found is None or rule is None:
                return None
            docs, where = [markdown(rule)], found[1]
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                         value="\n---\n\n".join(docs)),
            range=where,
        )


async def _off_loop(work: Callable[[], T]) -> T:
    """Run slow work (fixes parse the file with libcst) in a thread, so that diagnostics and
    other requests are still answered meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(None, work)


def quick_fix_offer(code: str, fix: Fix | None) -> tuple[str, bool] | None:
    """Title and "preferred" flag of a fix's quick fix. Unsafe fixes are offered too (as ruff's
    server offers them, whatever `unsafe-fixes` says), labelled "(unsafe)" and never preferred;
    display-only fixes are not offered. `unsafeFixes` governs fix-all only, like `--fix`."""
    if fix is None or fix.applicability is Applicability.DISPLAY_ONLY:
        return None
    safe = fix.applicability is Applicability.SAFE
    return f"asynclint ({code}): {fix.message}" + ("" if safe else " (unsafe)"), safe


def _noqa_code_at(checked: Checked, position: types.Position) -> tuple[str, types.Range] | None:
    """The rule code under the cursor inside a `# noqa: ...` comment, with its range."""
    source = checked.source
    row = position.line + 1
    col = checked.codec.from_lsp(source, position.line, position.character).col
    line = source.line(row)
    m = lsp_edits.NOQA_CODES.search(line)
    if m is None:
        return None
    for code in re.finditer(r"[A-Za-z]+[0-9]+", m.group("codes")):
        start, end = m.start("codes") + code.start(), m.start("codes") + code.end()
        if start <= col <= end:
            rng = _range(checked.codec, source, Location(row, start), Location(row, end))
            return code.group().upper(), rng
    return None


def _excluded(settings: Settings, path: str) -> bool:
    """Excluded by the project's settings; only paths inside the project are judged (outside
    it a folder called `build` or `venv` higher up says nothing). Paths from URIs are absolute,
    so this is pure path arithmetic: nothing here touches the disk on the server's loop."""
    if not Path(path).is_relative_to(settings.root):
        return False
    return api.is_excluded(settings, Path(path))


def _is_python(uri: str, language_id: str | None) -> bool:
    """Only Python is checked, whatever else a client configured for all files opens."""
    if language_id:
        return language_id == "python"
    return uri.rsplit("/", 1)[-1].endswith(PYTHON_SUFFIXES)


def _is_config(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in CONFIG_FILE_NAMES


def _has_settings(raw: Any) -> bool:
    return isinstance(raw, dict) and any(k in raw for k in (*SECTION_KEYS, *EDITOR_KEYS))


def create_server() -> AsyncLintServer:
    server = AsyncLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: AsyncLintServer, params: types.InitializeParams) -> None:
        ls.configure(parse(params.initialization_options, "initializationOptions"),
                     refresh=False)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AsyncLintServer, params: types.InitializedParams) -> None:
        ls.log(f"asynclint {__version__} language server, position encoding "
               f"{PositionCodec(ls.workspace.position_encoding).encoding}, "
               f"{'pull' if ls.pull_mode else 'push'} diagnostics")
        if ls._cap("workspace.did_change_watched_files.dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED_GLOBS]
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(
                        id="asynclint-config-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=watchers),
                    )]))
            except Exception as exc:  # the client refused: config changes need a save instead
                ls.log(f"asynclint: could not watch config files: {exc}",
                       types.MessageType.Warning)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AsyncLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.open.add(params.text_document.uri)
        if not ls.pull_mode:
            ls.cancel(params.text_document.uri)
            ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AsyncLintServer, params: types.DidChangeTextDocumentParams) -> None:
        if not ls.pull_mode:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AsyncLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_config(uri):
            ls.configure(ls.editor)
        elif not ls.pull_mode:
            ls.cancel(uri)
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AsyncLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.open.discard(uri)
        ls.cancel(uri)
        ls.last_change.pop(uri, None)
        ls.results.pop(uri, None)
        if not ls.pull_mode:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=NAME, inter_file_dependencies=False,
                                workspace_diagnostics=False),
    )
    def pull(ls: AsyncLintServer, params: types.DocumentDiagnosticParams
             ) -> types.DocumentDiagnosticReport:
        checked = ls.check(params.text_document.uri)
        if checked is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == checked.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=checked.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=checked.lsp,
                                                         result_id=checked.result_id)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
                                resolve_provider=True),
    )
    async def code_action(ls: AsyncLintServer, params: types.CodeActionParams
                          ) -> list[types.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: AsyncLintServer, action: types.CodeAction
                                  ) -> types.CodeAction:
        return await ls.resolve(action)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: AsyncLintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params)

    @server.command(APPLY_AUTOFIX)
    async def apply_autofix(ls: AsyncLintServer, *arguments: Any) -> None:
        """Arguments: `{"uri": ..., "version": ...}` objects (as ruff's command) or URIs."""
        for arg in arguments:
            uri = arg.get("uri") if isinstance(arg, dict) else arg
            if not isinstance(uri, str):
                ls.log(f"asynclint: {APPLY_AUTOFIX} expects document URIs, got {arg!r}",
                       types.MessageType.Warning)
                continue
            edit = await ls.fix_all_edit(uri)
            if edit is not None:
                await ls.workspace_apply_edit_async(
                    types.ApplyWorkspaceEditParams(edit=edit, label="asynclint: Fix all"))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: AsyncLintServer,
                                       params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if not _has_settings(raw) and ls._cap("workspace.configuration"):
            try:
                values = await ls.workspace_configuration_async(types.ConfigurationParams(
                    items=[types.ConfigurationItem(section=NAME)]))
                raw = values[0] if values else None
            except Exception as exc:
                ls.log(f"asynclint: could not read the editor settings: {exc}",
                       types.MessageType.Warning)
                return
        if raw is None:
            return
        ls.configure(parse(raw, "editor settings"))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: AsyncLintServer,
                                 params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.configure(ls.editor)

    return server


def serve() -> int:
    create_server().start_io()
    return 0
