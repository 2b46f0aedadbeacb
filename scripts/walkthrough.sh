#!/usr/bin/env bash
# The newcomer's first ten minutes, replayed: a copy of the checkout in a temporary folder, a
# fresh virtual environment, the README's set-up commands as written there, then `asynclint
# check` on the example app (one bug per rule family), `--diff` (which must write nothing),
# `--fix --unsafe-fixes` on a copy, and the fixed copy checked again: everything that had an
# applicable fix is gone, the code still compiles, and only findings without one remain (their
# fixes are display only, or there is none), which are listed.
#
#   bash scripts/walkthrough.sh               # everything, as a newcomer does it
#   bash scripts/walkthrough.sh --skip-suite  # not the README's second command (the test suite):
#                                             # .ci/run has just run exactly that command
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SKIP_SUITE=0
[[ "${1:-}" == "--skip-suite" ]] && SKIP_SUITE=1

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CHECKOUT="$WORK/asynclint"
mkdir -p "$CHECKOUT"
say() { printf '\n== %s\n' "$*"; }
fail() { printf 'walkthrough FAILED: %s\n' "$*" >&2; exit 1; }

# The checkout as a newcomer has it: the files git knows (tracked, or new and not ignored), none
# of the developer's .venv, caches or build output.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$CHECKOUT"
cd "$CHECKOUT"

mapfile -t SETUP < <(grep '^python3 -m venv' README.md)
[[ ${#SETUP[@]} -eq 2 ]] || fail "expected the README's two set-up commands, found ${#SETUP[@]}"

say "README, first command: ${SETUP[0]}"
set +e
bash -c "${SETUP[0]}" > "$WORK/first.out" 2>&1
status=$?
set -e
cat "$WORK/first.out"
# The example app has bugs on purpose: exit 1 with findings, not 0 and not 2 (an error).
[[ $status -eq 1 ]] || fail "the README's first command exited $status, expected 1 (findings)"
grep -q '^Found [0-9]* error' "$WORK/first.out" || fail "no 'Found N errors' summary"

if [[ $SKIP_SUITE -eq 0 ]]; then
    say "README, second command: ${SETUP[1]}"
    bash -c "${SETUP[1]}"
fi

ASYNCLINT="$CHECKOUT/.venv/bin/asynclint"
PY="$CHECKOUT/.venv/bin/python"
EXAMPLES="fixtures/examples"

say "asynclint check $EXAMPLES"
set +e
"$ASYNCLINT" check --no-cache "$EXAMPLES"
status=$?
"$ASYNCLINT" check --no-cache --output-format json "$EXAMPLES" > "$WORK/before.json"
set -e
[[ $status -eq 1 ]] || fail "check exited $status, expected 1"

say "asynclint check --diff $EXAMPLES (writes nothing)"
before_sum="$(find "$EXAMPLES" -type f -name '*.py' -print0 | sort -z | xargs -0 sha256sum)"
"$ASYNCLINT" check --no-cache --diff "$EXAMPLES" > "$WORK/diff.out" || true
cat "$WORK/diff.out"
grep -q '^+++ ' "$WORK/diff.out" || fail "--diff showed no change"
[[ "$(find "$EXAMPLES" -type f -name '*.py' -print0 | sort -z | xargs -0 sha256sum)" == "$before_sum" ]] \
    || fail "--diff changed files"

COPY="$WORK/app-copy"
cp -r "$EXAMPLES" "$COPY"
say "asynclint check --fix --unsafe-fixes (on a copy)"
"$ASYNCLINT" check --no-cache --fix --unsafe-fixes "$COPY" || true

say "the fixed copy, checked again"
set +e
"$ASYNCLINT" check --no-cache "$COPY"
"$ASYNCLINT" check --no-cache --output-format json "$COPY" > "$WORK/after.json"
set -e

"$PY" - "$CHECKOUT/$EXAMPLES" "$WORK/before.json" "$COPY" "$WORK/after.json" <<'EOF'
"""What remains after --fix --unsafe-fixes is exactly what had no applicable fix."""
import collections
import json
import py_compile
import sys
from pathlib import Path

examples, before_json, copy, after_json = sys.argv[1:]


def found(report: str, folder: str) -> collections.Counter[tuple[str, str]]:
    return collections.Counter(
        (str(Path(d["filename"]).resolve().relative_to(Path(folder).resolve())), d["code"])
        for d in json.loads(Path(report).read_text()))


def unfixable(report: str, folder: str) -> collections.Counter[tuple[str, str]]:
    """Findings whose fix `--fix --unsafe-fixes` does not apply (display only, or none)."""
    kept = [d for d in json.loads(Path(report).read_text())
            if d["fix"] is None or d["fix"]["applicability"] not in ("safe", "unsafe")]
    return collections.Counter(
        (str(Path(d["filename"]).resolve().relative_to(Path(folder).resolve())), d["code"])
        for d in kept)


before, after = found(before_json, examples), found(after_json, copy)
expected = unfixable(before_json, examples)
fixed = before - expected
print(f"\nfound {sum(before.values())}; fixed {sum(fixed.values())}: "
      + (", ".join(f"{c} in {p}" for p, c in sorted(fixed)) or "none"))
print("remaining (display-only fix or none): "
      + (", ".join(f"{c} in {p}" for p, c in sorted(after.elements())) or "none"))
for path in sorted(Path(copy).rglob("*.py")):
    py_compile.compile(str(path), doraise=True)
if not fixed:
    sys.exit("walkthrough FAILED: nothing was fixable in the example app")
if after != expected:
    sys.exit(f"walkthrough FAILED: after the fixes {dict(after)} remain, expected {dict(expected)}")
EOF

say "walkthrough passed"
