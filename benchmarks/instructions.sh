#!/usr/bin/env bash
# Instruction count of a cold asynclint run on every 10th file of the benchmark corpus, for A/B
# comparisons of small changes: valgrind's callgrind counts instructions, not seconds, so the
# figure is the same whatever else the machine is doing (timings on a shared machine vary by
# ±15%). Run `benchmarks/run.py` once first (it builds the corpus). Extra arguments go to
# `asynclint check` (e.g. `--select ASL2` to measure one family).
#
#   bash benchmarks/instructions.sh                 # this checkout
#   git stash; bash benchmarks/instructions.sh; git stash pop; bash benchmarks/instructions.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
corpus=$(ls -d "${ASYNCLINT_BENCH_CACHE:-$HOME/.cache/asynclint-ecosystem}"/bench-corpus/*/ | head -1)
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
"$python" -m compileall -q "$here/src/asynclint"
cd "$corpus"
mapfile -t files < <(find . -name '*.py' | sort | awk 'NR % 10 == 0')
valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$python" -m asynclint check --no-cache -j 1 --exit-zero -q "$@" "${files[@]}" 2>&1 >/dev/null \
    | awk '/Collected/ { printf "asynclint: %.3f G instructions on %d files\n", $4 / 1e9, n }' n=${#files[@]}
