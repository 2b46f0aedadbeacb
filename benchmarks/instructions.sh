#!/usr/bin/env bash
# Instruction counts of asynclint runs on the benchmark corpus, for A/B comparisons of small
# changes: valgrind's callgrind counts instructions, not seconds, so the figure is the same
# whatever else the machine is doing (timings on a shared machine vary by ±15%). Run
# `benchmarks/run.py` once first (it builds the corpus). Extra arguments go to `asynclint check`
# (e.g. `--select ASL2` to measure one family).
#
#   bash benchmarks/instructions.sh                 # cold: every 10th file, --no-cache, -j 1
#   bash benchmarks/instructions.sh --warm          # + warm runs (text and JSON) on the whole corpus
#   git stash; bash benchmarks/instructions.sh; git stash pop; bash benchmarks/instructions.sh
#
# Compare runs that import asynclint the same way: a worktree measured with
# `PYTHONPATH=<worktree>/src` against the checkout's editable install counted ~25 M
# instructions fewer for the same code (2026-12-08); measure both sides with PYTHONPATH set.
set -euo pipefail
# A fixed hash seed: string hashing decides dict and set layouts, which moved the count of one
# tree by ~0.3 % from run to run (more than some changes it is meant to tell apart).
export PYTHONHASHSEED=${PYTHONHASHSEED:-0}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
warm=0
if [[ ${1:-} == --warm ]]; then warm=1; shift; fi
# The libraries corpus (`benchmarks/run.py --corpus libraries`); ASYNCLINT_BENCH_CORPUS=open-webui
# picks the applications one.
corpus=$(ls -d "${ASYNCLINT_BENCH_CACHE:-$HOME/.cache/asynclint-ecosystem}"/bench-corpus/"${ASYNCLINT_BENCH_CORPUS:-fastapi}"*/ | head -1)
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
"$python" -m compileall -q "$here/src/asynclint"
cd "$corpus"
count() {  # instructions of one `asynclint check` run
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$python" -m asynclint check \
        --exit-zero -q "$@" 2>&1 >/dev/null | awk '/Collected/ { print $4 }'
}
mapfile -t files < <(find . -name '*.py' | sort | awk 'NR % 10 == 0')
cold=$(count --no-cache -j 1 "$@" "${files[@]}")
awk -v n="${#files[@]}" -v i="$cold" 'BEGIN { printf "asynclint cold: %.3f G instructions on %d files\n", i / 1e9, n }'
if (( warm )); then
    cache=$(mktemp -d)
    trap 'rm -rf "$cache"' EXIT
    setting="cache-dir=\"$cache\""
    # Filled by a JSON run: its entries hold the fixes too, so they answer the text and the
    # JSON run alike (an entry a text run wrote has none, and a JSON run analyses its file again).
    "$python" -m asynclint check -j 1 --exit-zero -q --output-format json --config "$setting" "$@" . >/dev/null
    sleep 4  # past the cache's "changed just now" window, so stats are trusted
    text=$(count -j 1 --config "$setting" "$@" .)
    json=$(count -j 1 --output-format json --config "$setting" "$@" .)
    awk -v t="$text" -v j="$json" 'BEGIN { printf "asynclint warm: %.3f G instructions (text), %.3f G (json), whole corpus\n", t / 1e9, j / 1e9 }'
fi
