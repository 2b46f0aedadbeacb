"""The `asynclint` command: ruff's flags, output formats and exit codes over `asynclint.api`.

Exit codes: 0 nothing to report, 1 findings remain (or `--diff` shows a change), 2 usage,
configuration or internal error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import asynclint.api as api  # not `from asynclint import api`: see pytest_plugin._Session
from asynclint import __version__
from asynclint.api import FileReport, RunOptions
from asynclint.config import ConfigError, Settings, SettingsResolver, validate_selector
from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.output import FORMAT_NAMES, FORMATS_WITH_FIXES, FormatOptions, formatter
from asynclint.source import display_text, read_display_text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# The formats `--show-fixes` adds its block to (a JSON or XML report stays parseable).
TEXT_FORMATS = frozenset({"full", "concise", "grouped"})


class UsageError(Exception):
    pass


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` tells it: `COLUMNS`, else the
    terminal of standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized for the terminal without `shutil`: argparse builds a
    formatter for every option declared, and importing `shutil` (and the compression modules
    it loads) to size the first one was ~2 % of a warm run (`python -X importtime`)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)  # argparse's margin


class _Parser(argparse.ArgumentParser):
    """The top-level parser: an argument no command knows is reported with that command's
    usage and, as ruff does, the similar argument the user probably meant."""

    commands: dict[str, argparse.ArgumentParser]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)  # commands' parsers are `_Parser`s
        super().__init__(*args, **kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self.commands.get(getattr(parsed, "command", None) or "", self)
            command.print_usage(sys.stderr)
            command.exit(2, f"{command.prog}: error: unexpected argument '{extras[0]}' "
                            f"found\n{_tip(command, extras[0], values=command is not self)}")
        return parsed


def _tip(command: argparse.ArgumentParser, unknown: str, values: bool) -> str:
    """ruff's tip under an unknown argument: the similar option, or how to pass it as a value."""
    import difflib

    if not unknown.startswith("-"):
        return ""
    options = [o for action in command._actions for o in action.option_strings
               if o.startswith("--")]
    name = unknown.partition("=")[0]
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.75) or [
        o for o in options if o.endswith("-" + name.lstrip("-"))][:1]
    if close:
        return f"\n  tip: a similar argument exists: '{close[0]}'\n"
    if values:  # the command takes paths or a code
        return f"\n  tip: to pass '{unknown}' as a value, use '-- {unknown}'\n"
    return ""


def build_parser() -> argparse.ArgumentParser:
    # No abbreviations (ruff takes none): `--statistic` is a typo to point out, not a flag.
    parser = _Parser(
        prog="asynclint", allow_abbrev=False,
        description="Find and fix async misuse in Python code.",
    )
    parser.add_argument("--version", action="version", version=f"asynclint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="Check files (and fix them with --fix).",
                           usage="%(prog)s [OPTIONS] [PATHS ...]", allow_abbrev=False)
    check.add_argument("paths", nargs="*", type=Path, help="Files or folders (default: .); - reads stdin")
    sel = check.add_argument_group("rule selection")
    # Repeated flags accumulate, as in ruff: `--select ASL1 --select ASL5` selects both.
    sel.add_argument("--select", type=_codes, action="extend", default=None,
                     help="Comma-separated codes or prefixes to enable")
    sel.add_argument("--ignore", type=_codes, action="extend", default=[],
                     help="Comma-separated codes or prefixes to disable")
    sel.add_argument("--extend-select", type=_codes, action="extend", default=[],
                     help="Codes or prefixes to enable on top of --select")
    sel.add_argument("--per-file-ignores", action="append", default=None, metavar="GLOB:CODES",
                     help="Ignore codes in files matching a glob, e.g. 'tests/*:ASL1' "
                          "(replaces the configured per-file-ignores, as in ruff)")
    sel.add_argument("--extend-per-file-ignores", action="append", default=[],
                     metavar="GLOB:CODES",
                     help="Like --per-file-ignores, on top of the configured ones")
    sel.add_argument("--ignore-noqa", action="store_true",
                     help="Ignore `# noqa` comments (and file-level `# asynclint: noqa`): "
                          "report what they suppress")
    files = check.add_argument_group("file selection")
    files.add_argument("--exclude", type=_codes, action="extend", default=None,
                       help="Globs to exclude (replaces the defaults)")
    files.add_argument("--extend-exclude", type=_codes, action="extend", default=[],
                       help="Globs to exclude on top of the defaults")
    files.add_argument("--force-exclude", action="store_true", default=None,
                       help="Apply exclusions to paths given on the command line too")
    files.add_argument("--no-force-exclude", dest="force_exclude", action="store_false")
    files.add_argument("--respect-gitignore", action="store_true", default=None,
                       help="Skip files ignored by .gitignore files (the default)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false")
    fixes = check.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", default=None, help="Apply safe fixes")
    fixes.add_argument("--no-fix", dest="fix", action="store_false")
    fixes.add_argument("--unsafe-fixes", action="store_true", default=None,
                       help="Also apply unsafe fixes (with --fix) and show them as fixable")
    fixes.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false")
    fixes.add_argument("--fix-only", action="store_true",
                       help="Apply fixes and report nothing that remains; exit 0")
    fixes.add_argument("--diff", action="store_true",
                       help="Print the changes fixes would make instead of writing them")
    fixes.add_argument("--show-fixes", action="store_true", help="List what was fixed")
    fixes.add_argument("--add-noqa", action="store_true",
                       help="Add `# noqa: CODE` comments where findings are (merged into an "
                            "existing `# noqa: ...`), to adopt asynclint on existing code; "
                            "`--add-noqa=REASON` writes a reason after the codes")
    out = check.add_argument_group("output")
    out.add_argument("--output-format", choices=FORMAT_NAMES,
                     default=os.environ.get("ASYNCLINT_OUTPUT_FORMAT", "full"))
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="Colour the text formats: auto (in a terminal, unless NO_COLOR is set "
                          "or FORCE_COLOR / CLICOLOR_FORCE force it), always, never")
    out.add_argument("-o", "--output-file", type=Path, help="Write the report to this file")
    out.add_argument("--statistics", action="store_true", help="Count findings per rule")
    out.add_argument("-q", "--quiet", action="store_true", help="Print findings, nothing else")
    out.add_argument("-s", "--silent", action="store_true", help="Print nothing")
    out.add_argument("-e", "--exit-zero", action="store_true", help="Exit 0 even with findings")
    out.add_argument("--exit-non-zero-on-fix", action="store_true",
                     help="Exit 1 when anything was fixed, even if nothing remains")
    check.set_defaults(noqa_reason="")  # `--add-noqa=REASON`'s reason, set by `main`
    debug = check.add_argument_group("debugging")
    debug.add_argument("--show-settings", action="store_true",
                       help="Print the settings the first file is checked with, then exit")
    debug.add_argument("--show-files", action="store_true",
                       help="Print the files that would be checked, then exit")
    run = check.add_argument_group("run")
    run.add_argument("--config", action="append", default=[], metavar="PATH|KEY=VALUE",
                     help="A config file (pyproject.toml or asynclint.toml), or an inline "
                          "KEY = VALUE TOML override")
    run.add_argument("--isolated", action="store_true", help="Ignore all configuration files")
    run.add_argument("-n", "--no-cache", action="store_true",
                     default=bool(os.environ.get("ASYNCLINT_NO_CACHE")), help="Do not use the cache")
    run.add_argument("--cache-dir", metavar="PATH", default=os.environ.get("ASYNCLINT_CACHE_DIR"),
                     help="Where the cache goes (default: the setting `cache-dir`, "
                          "`.asynclint_cache` in the project root; env ASYNCLINT_CACHE_DIR)")
    run.add_argument("--python", metavar="PATH",
                     help="The interpreter (or virtual environment) whose installed packages "
                          "are read, never imported (default: $VIRTUAL_ENV, ./.venv, or "
                          "asynclint's own)")
    run.add_argument("--stdin-filename", type=Path,
                     help="The name of the file read from stdin (for messages and config)")
    run.add_argument("-j", "--jobs", type=int, default=None,
                     help="Worker processes (default: number of cores; 1: none)")

    rule = sub.add_parser("rule", help="Explain a rule (or all rules).", allow_abbrev=False)
    rule.add_argument("code", nargs="?", help="A rule code, e.g. ASL100")
    rule.add_argument("--all", action="store_true", help="Explain every rule")
    rule.add_argument("--output-format", choices=("text", "json"), default="text",
                      help="Markdown text, or ruff's JSON keys")

    clean = sub.add_parser("clean", help="Remove the cache folders below the current folder.")
    clean.add_argument("path", nargs="?", type=Path, default=Path("."),
                       help="Where to start looking for cache folders")
    version = sub.add_parser("version", help="Print the version.")
    server = sub.add_parser("server", help="Run the language server (LSP over stdio) for editors.")
    parser.commands = {"check": check, "rule": rule, "clean": clean, "version": version,
                       "server": server}
    return parser


# -- check --------------------------------------------------------------------------------------
def _inline_config(items: list[str]) -> tuple[Path | None, dict[str, Any]]:
    import tomllib

    from asynclint.config import SPECS

    path: Path | None = None
    table: dict[str, Any] = {}
    for item in items:
        if Path(item).is_file() or "=" not in item:
            if not Path(item).is_file():
                raise ConfigError(f"--config: no such file: {item}")
            path = Path(item)
            continue
        try:
            parsed = tomllib.loads(item)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"--config: invalid KEY = VALUE override {item!r}: {exc}") from exc
        for key in parsed:
            if key not in SPECS:
                raise ConfigError(f"--config: unknown setting `{key}`")
        table.update(parsed)
    return path, table


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    def mappings(items: list[str], flag: str) -> list[tuple[str, tuple[str, ...]]]:
        found = []
        for item in items:
            pattern, _, codes = item.rpartition(":")
            if not pattern:
                raise ConfigError(f"{flag} expects GLOB:CODES, got {item!r}")
            found.append((pattern, tuple(validate_selector(c, f"`{flag}`")
                                         for c in _codes(codes))))
        return found

    return {
        "replace_per_file_ignores": args.per_file_ignores is not None,
        "ignore_noqa": args.ignore_noqa or None,
        "cache_dir": os.path.abspath(args.cache_dir) if args.cache_dir else None,
        "select": [validate_selector(c, "`--select`") for c in args.select]
        if args.select is not None else None,
        "extend_select": [validate_selector(c, "`--extend-select`") for c in args.extend_select],
        "ignore": [validate_selector(c, "`--ignore`") for c in args.ignore],
        "per_file_ignores": [
            *mappings(args.per_file_ignores or [], "--per-file-ignores"),
            *mappings(args.extend_per_file_ignores, "--extend-per-file-ignores")],
        "exclude": args.exclude,
        "extend_exclude": args.extend_exclude,
        "force_exclude": args.force_exclude,
        "respect_gitignore": args.respect_gitignore,
        "fix": args.fix,
        "unsafe_fixes": args.unsafe_fixes,
        "python": os.path.abspath(args.python) if args.python else None,
    }


def _make_resolver(args: argparse.Namespace) -> SettingsResolver:
    path, inline = _inline_config(args.config)
    return SettingsResolver(explicit=path, overrides=_overrides(args), isolated=args.isolated,
                            inline=inline)


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM received while fixes were written, raised between two files."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _write_fixes(reports: list[FileReport], err: TextIO) -> None:
    """Write every fixed file; SIGINT and SIGTERM wait for the file being written, then stop
    the run: every file is either old or new, and no temp file is left behind."""
    pending: list[int] = []
    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda n, _: pending.append(n))
    except ValueError:  # not the main thread (an embedding host): signals stay as they are
        pass
    try:
        for report in reports:
            if pending:
                raise Interrupted(pending[0])
            _write_one(report, err)
        if pending:
            raise Interrupted(pending[0])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _write_one(report: FileReport, err: TextIO) -> None:
    message = api.write_fixes(report)
    if message is not None:  # nothing was fixed: everything that was found still stands
        err.write(f"error: Failed to write fixes: {message}\n")


def _add_noqa(reports: list[FileReport], reason: str, stderr: TextIO) -> int:
    """`--add-noqa`: suppress every finding with a `# noqa` comment, file by file; a file that
    cannot be changed is named and left as it was (exit 1: its findings stand)."""
    added = 0
    failed = False
    for report in reports:
        for message in report.errors:
            stderr.write(f"error: {message}\n")
        if not report.diagnostics:
            continue
        try:
            added += api.add_noqa(report.path, report.diagnostics, reason)
        except api.NoqaError as exc:
            stderr.write(f"error: Failed to add `# noqa` comments: {exc}\n")
            failed = True
    if added:
        stderr.write(f"Added {added} noqa directive{'s' * (added != 1)}.\n")
    if any(r.internal_error for r in reports):
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _show(found: list[tuple[str, Settings]], args: argparse.Namespace, stdout: TextIO) -> int:
    """`--show-files` (every file that would be checked, absolute, sorted) and `--show-settings`
    (the first file's resolved settings), as ruff prints them; nothing is checked."""
    if args.show_files:
        stdout.write("".join(f"{p}\n" for p in sorted(os.path.abspath(f) for f, _ in found)))
    if args.show_settings:
        if not found:
            raise UsageError("no file to show the settings of")
        from asynclint.output.settings import show_settings

        path, settings = min(found, key=lambda item: os.path.abspath(item[0]))
        stdout.write(show_settings(Path(path), settings))
    return EXIT_CLEAN


def _check_add_noqa(args: argparse.Namespace) -> None:
    """ruff refuses `--add-noqa` together with a fix; so does asynclint, and with stdin."""
    for flag, given in (("--fix", args.fix), ("--diff", args.diff), ("--fix-only", args.fix_only),
                        ("--unsafe-fixes", args.unsafe_fixes)):
        if given:
            raise UsageError(f"`--add-noqa` cannot be used with `{flag}`")
    if [str(p) for p in args.paths] == ["-"]:
        raise UsageError("`--add-noqa` needs files to change, not stdin")


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.add_noqa:
        _check_add_noqa(args)
    resolver = _make_resolver(args)
    base = resolver.default()
    fix = (bool(args.fix if args.fix is not None else base.fix) or args.fix_only) \
        and not args.add_noqa
    unsafe = bool(args.unsafe_fixes if args.unsafe_fixes is not None else base.unsafe_fixes)
    options = RunOptions(
        fix=fix and not args.diff,
        diff=args.diff,
        unsafe_fixes=unsafe,
        want_fixes=args.output_format in FORMATS_WITH_FIXES,
        use_cache=not args.no_cache,
        jobs=args.jobs,
    )
    paths: list[Path] = args.paths or [Path(".")]
    stdin_mode = [str(p) for p in paths] == ["-"]
    sources: dict[str, str] = {}
    stdin_data = b""
    if stdin_mode:
        display = str(args.stdin_filename) if args.stdin_filename else "-"
        settings = resolver.for_path(args.stdin_filename or Path.cwd())
        data = stdin_data = sys.stdin.buffer.read()
        if args.stdin_filename is not None and settings.force_exclude \
                and api.is_force_excluded(settings, args.stdin_filename):
            # As ruff: an excluded file is not checked; with --fix the code passes through.
            if options.fix:
                _echo(data, stdout)
            return EXIT_CLEAN
        reports = [api.check_source(data, display, settings, options)]
        sources[display] = display_text(data)
    else:
        found = list(api.discover_files(paths, resolver))
        if args.show_files or args.show_settings:
            return _show(found, args, stdout)
        if not found and not args.silent:
            stderr.write("warning: No Python files found under the given path(s)\n")
        reports = api.check_paths(found, options)
        if args.add_noqa:
            return _add_noqa(reports, args.noqa_reason, stderr)

    for report in reports:
        for message in report.errors:
            stderr.write(f"error: {message}\n")
    if options.fix and not stdin_mode:
        _write_fixes(reports, stderr)
        if not (args.quiet or args.silent):
            hint = _ruff_external_hint(base.root)
            if hint:
                stderr.write(hint)

    diagnostics = sorted((d for r in reports for d in r.diagnostics), key=Diagnostic.sort_key)
    fixed_count = sum(len(r.fixed) for r in reports)
    internal = any(r.internal_error for r in reports)
    fmt_options = FormatOptions(
        read_source=lambda p: sources.get(p) if p in sources else read_display_text(p),
        unsafe_fixes=unsafe,
        show_summary=not (args.quiet or args.silent),
        fixed_count=fixed_count,
        rule_doc=api.rule,
    )
    out: TextIO = stdout
    opened = None
    if args.output_file:
        try:
            args.output_file.parent.mkdir(parents=True, exist_ok=True)
            opened = out = args.output_file.open("w", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {args.output_file}: "
                             f"{exc.strerror or exc}") from exc
    fmt_options.color = use_color(args.color, out, os.environ)
    try:
        if args.diff:
            changed = [r for r in reports if r.fixed_text is not None]
            if not args.silent:
                from asynclint.output.diff import unified_diff

                for r in changed:
                    assert r.source is not None and r.fixed_text is not None
                    out.write(unified_diff(fmt_options.relpath(r.path), r.source.text,
                                           r.fixed_text) + "\n")  # ruff's blank line
                if not args.quiet:
                    out.write(_would_fix(reports, unsafe))
            return EXIT_ERROR if internal else (EXIT_FINDINGS if changed else EXIT_CLEAN)
        if stdin_mode and options.fix:
            # The code goes back in the shape it came in: same bytes when unchanged, and the
            # fixed text in the input's encoding, BOM included.
            report = reports[0]
            if report.fixed_text is None or report.source is None:
                _echo(stdin_data, stdout)
            else:
                _echo(report.source.to_bytes(report.fixed_text), stdout)
            out = stderr
        if args.show_fixes and fix and not args.silent and args.output_format in TEXT_FORMATS:
            from asynclint.output.show_fixes import show_fixes

            # After the findings, before the summary, as ruff prints it (text formats only:
            # it would break a JSON or XML report).
            fmt_options.fixes_shown = show_fixes(((r.path, r.fixed) for r in reports),
                                                 fmt_options)
        if args.fix_only:
            if not args.silent and not args.quiet:
                n = fixed_count
                out.write(fmt_options.fixes_shown)
                out.write(f"Fixed {n} error{'s' * (n != 1)}.\n" if n else "")
            return EXIT_ERROR if internal else EXIT_CLEAN
        if not args.silent:
            if args.statistics:
                from asynclint.output.statistics import statistics

                fmt = "json" if args.output_format == "json" else "text"
                out.write(statistics(diagnostics, fmt, fmt_options))
            else:
                out.write(formatter(args.output_format)(diagnostics, fmt_options))
    finally:
        if opened is not None:
            opened.close()
    if internal:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if diagnostics or (args.exit_non_zero_on_fix and fixed_count):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def use_color(when: str, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether the text formats are coloured, decided as ruff decides: `--color always/never`
    first; then a non-empty NO_COLOR turns colour off, a non-empty FORCE_COLOR or
    CLICOLOR_FORCE turns it on (ruff forces colour for any non-empty value, "0" included);
    otherwise colour only in a terminal."""
    if when != "auto":
        return when == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") or environ.get("CLICOLOR_FORCE"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def _would_fix(reports: list[FileReport], unsafe: bool) -> str:
    """`--diff`'s closing line, worded as ruff 0.17.6 words it: what `--fix` would fix, and the
    fixes left out because they need `--unsafe-fixes`. Nothing when there is neither."""
    n = sum(len(r.fixed) for r in reports if r.fixed_text is not None)
    hidden = 0 if unsafe else sum(d.applicability is Applicability.UNSAFE
                                  for r in reports for d in r.diagnostics)
    word = "fix" if hidden == 1 else "fixes"
    if n:
        note = (f" ({hidden} additional {word} available with `--unsafe-fixes`)"
                if hidden else "")
        return f"Would fix {n} error{'s' * (n != 1)}{note}.\n"
    if hidden:
        return f"No errors would be fixed ({hidden} {word} available with `--unsafe-fixes`).\n"
    return ""


# Where ruff reads its settings, and the table holding `lint` in each.
_RUFF_CONFIGS = (("ruff.toml", ()), (".ruff.toml", ()), ("pyproject.toml", ("tool", "ruff")))


def _ruff_external_hint(root: Path) -> str | None:
    """A one-line hint when the project configures ruff without `lint.external = ["ASL"]`:
    ruff's RUF102 (on with `--extend-select RUF`) then reports asynclint's `# noqa` codes as
    invalid and its fix deletes them, and RUF100's fix drops them from a comment it rewrites."""
    import tomllib

    for name, table_path in _RUFF_CONFIGS:
        path = root / name
        if not path.is_file():
            continue
        try:
            table: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None
        for key in table_path:
            table = table.get(key) if isinstance(table, dict) else None
        if not isinstance(table, dict):
            continue  # a pyproject.toml without [tool.ruff]
        lint = table.get("lint")
        external = [*(lint.get("external", []) if isinstance(lint, dict) else []),
                    *table.get("external", [])]
        if any(isinstance(e, str) and e and "ASL".startswith(e) for e in external):
            return None
        where = "[tool.ruff.lint]" if name == "pyproject.toml" else "[lint]"
        return (f'hint: {path.name} configures ruff without `external = ["ASL"]` in {where}; '
                "ruff's RUF102 (`--extend-select RUF`) would report asynclint's `# noqa` codes "
                "as invalid and its fix delete them, and RUF100's fix would drop them from a "
                "`# noqa` it rewrites.\n")
    return None


def _echo(data: bytes, stdout: TextIO) -> None:
    """Write stdin's bytes back unchanged."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:
        stdout.write(data.decode("utf-8", errors="replace"))
    else:
        stdout.flush()
        buffer.write(data)
        buffer.flush()


# -- rule, clean ----------------------------------------------------------------------------------
def run_rule(args: argparse.Namespace, stdout: TextIO) -> int:
    from asynclint.output.ruledoc import as_json, markdown

    registry = api.rules()
    if args.all:
        chosen = [registry[c] for c in sorted(registry)]
    elif args.code:
        code = args.code.upper()
        if code not in registry:
            raise UsageError(f"Unknown rule code `{args.code}` (see `asynclint rule --all`)")
        chosen = [registry[code]]
    else:
        raise UsageError("`asynclint rule` needs a CODE or --all")
    if args.output_format == "json":
        data = [as_json(r) for r in chosen]
        stdout.write(json.dumps(data if args.all else data[0], indent=2) + "\n")
    else:
        stdout.write("\n".join(markdown(r) for r in chosen))
    return EXIT_CLEAN


def _noqa_reason(argv: list[str]) -> tuple[list[str], str]:
    """`--add-noqa=REASON` (ruff's spelling; the reason never takes the next argument, which is
    a path) taken out of `argv`: the arguments with a plain `--add-noqa`, and the reason."""
    reason = ""
    out: list[str] = []
    for arg in argv:
        if arg == "--":
            out.extend(argv[len(out):])
            break
        if arg.startswith("--add-noqa="):
            reason = arg.partition("=")[2].strip()
            arg = "--add-noqa"
        out.append(arg)
    return out, reason


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments, reason = _noqa_reason(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(arguments)
    if reason:
        args.noqa_reason = reason
    stdout, stderr = sys.stdout, sys.stderr
    try:
        if args.command == "check":
            if args.stdin_filename is not None and not args.paths:
                args.paths = [Path("-")]
            return run_check(args, stdout, stderr)
        if args.command == "rule":
            return run_rule(args, stdout)
        if args.command == "clean":
            for removed in api.clean_caches(args.path):
                stderr.write(f"Removing cache at: {removed}\n")
            return EXIT_CLEAN
        if args.command == "server":
            from asynclint.lsp.server import serve  # pygls loads only here

            return serve()
        if args.command == "version":
            stdout.write(f"asynclint {__version__}\n")
            return EXIT_CLEAN
        parser.print_help(stderr)
        return EXIT_ERROR
    except (ConfigError, UsageError) as exc:
        stderr.write(f"asynclint failed\n  Cause: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        stderr.write("asynclint: interrupted\n")
        return 128 + int(getattr(exc, "signum", signal.SIGINT))


def entry() -> int:
    """The command's entry point (`asynclint`, `python -m asynclint`): `main`, then the heap
    frozen for the exit. The interpreter's shutdown runs the cyclic collector over every object
    still alive, several times; a cold run over a large application holds the project index's
    summaries and every report (~90k objects), and those passes cost ~0.15 s of a 6 s run
    (0.7-0.9 s while a leak kept ~370k alive: `docs/performance.md`, round five). Frozen objects
    are skipped; the memory goes back with the process. Not in `main`, which tests and tools
    call in a process that lives on."""
    code = main()
    gc.freeze()
    return code
