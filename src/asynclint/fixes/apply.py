"""Applying fixes: non-overlapping fixes together, re-check, repeat until stable; never write
code that does not parse; write atomically, keeping encoding, BOM, line endings and mode."""

from __future__ import annotations

import ast
import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from asynclint.diagnostics import Applicability, Diagnostic, Edit
from asynclint.fixes.attach import Analysed, attach_fixes
from asynclint.source import SourceFile

MAX_ROUNDS = 10
_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class FixPolicy(Protocol):
    """Which fixes may be applied (`engine.run.RunOptions` is one)."""

    def applies(self, applicability: Applicability | None) -> bool: ...


@dataclass
class FixOutcome:
    text: str
    fixed: list[Diagnostic] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _parses(text: str, compiles: bool = False) -> bool:
    """Whether `text` parses; with `compiles`, also whether it compiles (which catches what
    the parser lets through, such as `await` outside an async function). Nothing is run."""
    try:
        if compiles:
            compile(text, "<fixed>", "exec", dont_inherit=True)
        else:
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def select_fixes(diagnostics: list[Diagnostic], options: FixPolicy) -> list[Diagnostic]:
    """The diagnostics whose fixes apply together this round: allowed, and not overlapping an
    earlier one (an edit identical to one already taken, such as the same import, is shared)."""
    taken: list[Diagnostic] = []
    edits: list[Edit] = []
    for diag in sorted(diagnostics, key=lambda d: (d.start, d.end)):
        fix = diag.fix
        if fix is None or not options.applies(fix.applicability):
            continue
        new = [e for e in fix.edits if e not in edits]
        if any(e.overlaps(o) for e in new for o in edits):
            continue
        taken.append(diag)
        edits.extend(new)
    return taken


def _edits_of(diagnostics: list[Diagnostic]) -> list[Edit]:
    edits: list[Edit] = []
    for diag in diagnostics:
        assert diag.fix is not None
        edits.extend(e for e in diag.fix.edits if e not in edits)
    return edits


def _fix_key(diag: Diagnostic) -> tuple[str, str, tuple[str, ...]]:
    """What identifies a fix across rounds, where positions shift as other fixes apply."""
    edits = diag.fix.edits if diag.fix is not None else ()
    return diag.code, diag.message, tuple(e.content for e in edits)


def fix_until_stable(
    analysis: Analysed, options: FixPolicy, reanalyze: Callable[[SourceFile], Analysed]
) -> FixOutcome:
    """Apply the allowed fixes round by round, re-analysing the fixed text with `reanalyze`
    (the caller's analysis, so this module needs no engine), until none is left."""
    source = analysis.source
    outcome = FixOutcome(text=source.text)
    current = analysis
    # Fixes found to break the code are not tried again in later rounds (nor reported twice).
    dropped: set[tuple[str, str, tuple[str, ...]]] = set()
    strict: bool | None = None
    for _ in range(MAX_ROUNDS):
        unplaced: list[Diagnostic] = []
        diagnostics = attach_fixes(current, unplaced)
        for diag in unplaced:
            if options.applies(diag.applicability) and _fix_key(diag) not in dropped:
                dropped.add(_fix_key(diag))
                outcome.errors.append(
                    f"{diag.path}:{diag.start.row}:{diag.start.col + 1}: {diag.code} fix "
                    "skipped: the code around it is nested too deeply to rewrite")
        chosen = select_fixes([d for d in diagnostics if _fix_key(d) not in dropped], options)
        if not chosen:
            outcome.remaining = diagnostics
            break
        new_text = current.source.apply_edits(_edits_of(chosen))
        if strict is None:
            # Hold fixes to the compiler only when the original passes it.
            strict = _parses(source.text, compiles=True)
        if not _parses(new_text, strict):
            # Find the culprits one by one; keep the rest.
            good: list[Diagnostic] = []
            for diag in chosen:
                trial = current.source.apply_edits(_edits_of([*good, diag]))
                if _parses(trial, strict):
                    good.append(diag)
                else:
                    dropped.add(_fix_key(diag))
                    outcome.errors.append(
                        f"{diag.path}:{diag.start.row}:{diag.start.col + 1}: {diag.code} fix "
                        "dropped: it would produce invalid Python code"
                    )
            if not good:
                outcome.remaining = diagnostics
                break
            chosen = good
            new_text = current.source.apply_edits(_edits_of(chosen))
        outcome.fixed.extend(chosen)
        next_source = SourceFile(new_text, source.encoding, source.bom)
        current = reanalyze(next_source)
        outcome.text = new_text
    else:
        outcome.remaining = attach_fixes(current)
    if outcome.fixed and analysis.tree is not None:
        _drop_unused_imports(outcome, analysis, current.source, reanalyze, strict)
    return outcome


def _drop_unused_imports(outcome: FixOutcome, analysis: Analysed, fixed: SourceFile,
                         reanalyze: Callable[[SourceFile], Analysed], strict: bool | None) -> None:
    """Remove the imports the applied fixes left without a use (`time` once the last
    `time.sleep` became `asyncio.sleep`), as pyflakes would report them (F401); what is left
    is then analysed again, so the remaining findings' positions are the final text's."""
    from asynclint.fixes.imports import unused_after_fixes

    assert analysis.tree is not None
    edits = unused_after_fixes(outcome.fixed[0].path, analysis.tree, fixed)
    if not edits:
        return
    text = fixed.apply_edits(edits)
    if not _parses(text, bool(strict)):
        return
    outcome.text = text
    outcome.remaining = attach_fixes(reanalyze(SourceFile(text, fixed.encoding, fixed.bom)))


def write_atomic(path: Path, source: SourceFile, text: str) -> None:
    """Replace the file's content in one step (temp file + rename), keeping its mode.

    A file that is not writable is left alone: the rename would bypass its permissions.
    """
    data = source.to_bytes(text)
    info = os.stat(path)
    mode = stat.S_IMODE(info.st_mode)
    # os.access alone is not enough: for root it says every file is writable. A file whose mode
    # grants nobody write permission was made read-only on purpose; respect that too.
    if not os.access(path, os.W_OK) or not mode & _ANY_WRITE:
        raise PermissionError(f"{path}: not writable; fixes not applied")
    real = Path(os.path.realpath(path))
    tmp = None
    try:
        # Inside the `try`: an interrupt right after the temp file is made still removes it.
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".asynclint")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            # The new file would belong to whoever runs the fix (root, in a container).
            with contextlib.suppress(OSError):
                os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, real)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
