"""Hand-labelled sample of asynclint's DEFAULT findings on the ecosystem projects (issue 19).

The ecosystem snapshot (`scripts/ecosystem.py`) records what every rule reports; this records what
the findings are worth. One run of the default rule selection over every ecosystem project, a
seeded sample per rule code (all findings of a code with at most 20, else 20 drawn with a fixed
seed), and a verdict per sampled finding, kept in the committed `ecosystem/labels.json`. Most
ecosystem findings are in the projects' own tests, so a second sample is drawn the same way from
the findings outside tests and docs ("product code"); both samples share the labels.

    worth   a reviewer on that project would accept a change for it
    noise   technically right, but not worth a change (microseconds, start-up only, test code)
    wrong   the finding is false

    python scripts/labels.py sample              # run, save the run, list the samples' unlabelled findings
    python scripts/labels.py sample --todo F     # ... and write them to F (JSON) to be labelled
    python scripts/labels.py merge F             # add the labelled entries of F to labels.json
    python scripts/labels.py report              # run, then per-code counts and verdict shares
    python scripts/labels.py report --markdown   # ... the tables in Markdown (for ecosystem/labels.md)
    python scripts/labels.py report --reuse      # ... on the run `sample` saved, without running

A label is keyed by the finding (`project/path.py:row:col CODE`, the snapshot's key with the
project in front) and carries the stripped text of the flagged line, so it survives a line shift:
when the exact key is gone, a finding of the same project, path and code on a line with the same
text takes the label.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ecosystem  # (the sibling script: project list, cache, file walk)

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "ecosystem" / "labels.json"
SEED = 19  # the issue that asked for the sample; change it never (the sample would move)
PER_CODE = 20
VERDICTS = ("worth", "noise", "wrong")
TEXT_WIDTH = 120  # the fingerprint: the flagged line, stripped, cut to this many characters


def run_file(cache: Path) -> Path:
    return cache / "labels-run.json"


@dataclass(frozen=True, order=True)
class Finding:
    """One default finding: where, what, and the flagged line's text (the fingerprint)."""

    key: str  # "project/path.py:row:col CODE"
    code: str
    text: str
    message: str = ""

    @property
    def project(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def path(self) -> str:
        """`project/relative/path.py`: what a moved finding must keep to match its label."""
        return self.key.rsplit(" ", 1)[0].rsplit(":", 2)[0]


def fingerprint(line: str) -> str:
    return line.strip()[:TEXT_WIDTH]


def sort_key(key: str) -> tuple[str, int, int, str]:
    """Order keys as the snapshot does: path, then row and column as numbers, then code."""
    where, code = key.rsplit(" ", 1)
    path, row, col = where.rsplit(":", 2)
    return path, int(row), int(col), code


# -- running ------------------------------------------------------------------------------------
def run_default(names: Sequence[str], cache: Path, jobs: int | None) -> list[Finding]:
    """One run of the default rule selection over the named projects (no project config, no
    exclusions, no cache), as `ecosystem.py` runs them but without `select = ["ASL"]` and with
    the default `test-ignore` (no ASL1/ASL4/ASL5 in what `where` calls test code)."""
    from asynclint.config import Settings
    from asynclint.engine.run import RunOptions, check_paths

    batch: list[tuple[str, Any]] = []
    roots: dict[str, tuple[str, Path]] = {}
    for name in names:
        tree = ecosystem.fetch(ecosystem.BY_NAME[name], cache)
        settings = Settings(root=tree.resolve(), exclude=(), respect_gitignore=False)
        for path in ecosystem.python_files(tree):
            batch.append((str(path), settings))
            roots[str(path)] = (name, tree)
    findings: list[Finding] = []
    for report in check_paths(batch, RunOptions(use_cache=False, jobs=jobs)):
        name, tree = roots[report.path]
        if report.internal_error:
            print(f"labels: internal error in {name}/{report.path}: {report.errors}", file=sys.stderr)
        lines = Path(report.path).read_text(encoding="utf-8", errors="replace").splitlines()
        rel = Path(report.path).resolve().relative_to(tree.resolve()).as_posix()
        for d in report.diagnostics:
            if not d.code.startswith("ASL"):  # E999: a file this Python cannot parse, not a rule
                print(f"labels: not a rule finding, left out: {name}/{rel}: {d.code}", file=sys.stderr)
                continue
            line = lines[d.start.row - 1] if 0 < d.start.row <= len(lines) else ""
            key = f"{name}/{rel}:{d.start.row}:{d.start.col + 1} {d.code}"
            findings.append(Finding(key, d.code, fingerprint(line), d.message))
    return sorted(findings, key=lambda f: sort_key(f.key))


def save_run(findings: Sequence[Finding], path: Path) -> None:
    rows = [{"key": f.key, "code": f.code, "text": f.text, "message": f.message} for f in findings]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def load_run(path: Path) -> list[Finding]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Finding(r["key"], r["code"], r["text"], r.get("message", "")) for r in rows]


# -- sampling -----------------------------------------------------------------------------------
TEST_DIRS = frozenset({"test", "tests", "testing"})
DOC_DIRS = frozenset({"doc", "docs", "docs_src", "example", "examples", "snippets"})


def where(key: str) -> str:
    """"test", "docs" or "product": whose code a finding is in, from its path (a test or docs
    folder anywhere in it, or a pytest file name). "test" is exactly what the default
    `test-paths` matches (tests/test_labels_script.py checks they agree); the product stratum
    shows the findings outside tests and docs."""
    parts = key.rsplit(" ", 1)[0].rsplit(":", 2)[0].split("/")[1:]
    name = parts[-1] if parts else ""
    if any(p in TEST_DIRS for p in parts[:-1]) or name.startswith("test_") or name.endswith("_test.py") \
            or name == "conftest.py":
        return "test"
    if any(p in DOC_DIRS for p in parts[:-1]):
        return "docs"
    return "product"


def draw(findings: Iterable[Finding], per_code: int = PER_CODE, seed: int = SEED,
         stratum: str = "") -> list[Finding]:
    """The sample: every finding of a code with at most `per_code`, else `per_code` of them drawn
    from the key-sorted list with a generator seeded by the seed, the stratum and the code (so one
    code's draw does not move when another code's findings change)."""
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_code[f.code].append(f)
    chosen: list[Finding] = []
    for code, group in by_code.items():
        group.sort(key=lambda f: sort_key(f.key))
        if len(group) <= per_code:
            chosen.extend(group)
        else:
            chosen.extend(random.Random(f"{seed}:{stratum}{code}").sample(group, per_code))
    return sorted(chosen, key=lambda f: sort_key(f.key))


# -- labels -------------------------------------------------------------------------------------
def load_labels(path: Path = LABELS) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def check_label(row: Mapping[str, str]) -> str | None:
    """Why a label entry is unusable, or None."""
    for field_name in ("key", "code", "text", "verdict", "reason"):
        if not isinstance(row.get(field_name), str):
            return f"missing {field_name!r}"
    if row["verdict"] not in VERDICTS:
        return f"verdict {row['verdict']!r} is not one of {', '.join(VERDICTS)}"
    if not row["reason"].strip():
        return "empty reason"
    if not row["key"].endswith(" " + row["code"]):
        return "key and code disagree"
    return None


def dump_labels(rows: Iterable[Mapping[str, str]]) -> str:
    ordered = sorted(rows, key=lambda r: sort_key(r["key"]))
    out = [{k: r[k] for k in ("key", "code", "text", "verdict", "reason")} for r in ordered]
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def _label_path(key: str) -> str:
    return key.rsplit(" ", 1)[0].rsplit(":", 2)[0]


def match(labels: Sequence[Mapping[str, str]], findings: Sequence[Finding]
          ) -> tuple[dict[str, Mapping[str, str]], list[Mapping[str, str]]]:
    """Labels to findings: by exact key first, then a label whose key moved goes to an unlabelled
    finding of the same project, path and code whose line has the same text (the nearest row when
    several do). Returns {finding key: label} and the labels that matched no finding (lost)."""
    by_key = {f.key: f for f in findings}
    matched: dict[str, Mapping[str, str]] = {}
    moved: list[Mapping[str, str]] = []
    for label in labels:
        if label["key"] in by_key and label["key"] not in matched:
            matched[label["key"]] = label
        else:
            moved.append(label)
    free: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.key not in matched:
            free[(f.path, f.code, f.text)].append(f)
    lost: list[Mapping[str, str]] = []
    for label in moved:
        candidates = free.get((_label_path(label["key"]), label["code"], label["text"]), [])
        if not candidates:
            lost.append(label)
            continue
        row = sort_key(label["key"])[1]
        best = min(candidates, key=lambda f: (abs(sort_key(f.key)[1] - row), sort_key(f.key)))
        candidates.remove(best)
        matched[best.key] = label
    return matched, lost


# -- report -------------------------------------------------------------------------------------
@dataclass
class CodeStats:
    findings: int = 0
    sampled: int = 0
    labelled: int = 0
    worth: int = 0
    noise: int = 0
    wrong: int = 0

    def share(self, verdict: str) -> float | None:
        """The share of labelled sampled findings with this verdict (None when none labelled)."""
        if not self.labelled:
            return None
        count: int = getattr(self, verdict)
        return count / self.labelled


def tally(findings: Sequence[Finding], sample: Sequence[Finding],
          matched: Mapping[str, Mapping[str, str]]) -> dict[str, CodeStats]:
    """Per code, plus "total": findings, sampled, labelled, and verdict counts over the sample."""
    stats: dict[str, CodeStats] = defaultdict(CodeStats)
    for f in findings:
        stats[f.code].findings += 1
    for f in sample:
        s = stats[f.code]
        s.sampled += 1
        label = matched.get(f.key)
        if label is not None:
            s.labelled += 1
            setattr(s, label["verdict"], getattr(s, label["verdict"]) + 1)
    total = CodeStats()
    for s in stats.values():
        for name in ("findings", "sampled", "labelled", "worth", "noise", "wrong"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
    result = dict(sorted(stats.items()))
    result["total"] = total
    return result


def weighted_share(stats: Mapping[str, CodeStats], verdict: str) -> float | None:
    """The verdict's estimated share of ALL findings: each code's sample share weighted by its
    finding count (the plain sample share over-weights the codes with few findings)."""
    weight = 0
    acc = 0.0
    for code, s in stats.items():
        share = s.share(verdict)
        if code == "total" or share is None:
            continue
        weight += s.findings
        acc += share * s.findings
    return acc / weight if weight else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def table(stats: Mapping[str, CodeStats], markdown: bool = False) -> str:
    head = ["code", "findings", "sampled", "labelled", "worth", "noise", "wrong"]
    rows = []
    for code, s in stats.items():
        rows.append([code, str(s.findings), str(s.sampled), str(s.labelled),
                     f"{s.worth} ({_pct(s.share('worth'))})", f"{s.noise} ({_pct(s.share('noise'))})",
                     f"{s.wrong} ({_pct(s.share('wrong'))})"])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
        lines = ["  ".join(x.rjust(w) if i else x.ljust(w) for i, (x, w) in enumerate(zip(r, widths, strict=True)))
                 for r in [head, *rows]]
    weighted = ", ".join(f"{v} {_pct(weighted_share(stats, v))}" for v in VERDICTS)
    lines.append("")
    lines.append(f"estimated over all findings (sample shares weighted by count): {weighted}")
    return "\n".join(lines) + "\n"


def product_sample(findings: Iterable[Finding]) -> list[Finding]:
    """The second stratum: the same draw over the findings outside tests and docs only."""
    return draw([f for f in findings if where(f.key) == "product"], stratum="product:")


def report(findings: Sequence[Finding], labels: Sequence[Mapping[str, str]], markdown: bool = False) -> str:
    sample = draw(findings)
    product = [f for f in findings if where(f.key) == "product"]
    psample = product_sample(findings)
    matched, lost = match(labels, findings)
    places = Counter(where(f.key) for f in findings)
    out = ["all default findings (" + ", ".join(f"{places[w]} in {w}" for w in ("product", "test", "docs"))
           + "):", "", table(tally(findings, sample, matched), markdown),
           "product code only (findings outside tests and docs; a sample of their own):", "",
           table(tally(product, psample, matched), markdown)]
    todo = sorted({f.key: f for f in sample + psample if f.key not in matched}.values(),
                  key=lambda f: sort_key(f.key))
    out.append(f"sampled findings without a label: {len(todo)}")
    out += [f"  {f.key}    {f.text}" for f in todo]
    out.append(f"labels whose finding is gone (a fixed false alarm, or a lost true find): {len(lost)}")
    out += [f"  {r['key']} [{r['verdict']}]    {r['text']}    -- {r['reason']}" for r in lost]
    wrong = [(k, r) for k, r in matched.items() if r["verdict"] == "wrong"]
    out.append(f"labelled wrong, still reported: {len(wrong)}")
    out += [f"  {k}    -- {r['reason']}" for k, r in sorted(wrong, key=lambda kr: sort_key(kr[0]))]
    return "\n".join(out) + "\n"


# -- commands -----------------------------------------------------------------------------------
def _findings(args: argparse.Namespace) -> list[Finding]:
    saved = run_file(args.cache)
    if getattr(args, "reuse", False):
        if not saved.is_file():
            raise SystemExit(f"labels: no saved run at {saved}; run `labels.py sample` first")
        return load_run(saved)
    findings = run_default([p.name for p in ecosystem.PROJECTS], args.cache, args.jobs)
    save_run(findings, saved)
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cache", type=Path, default=ecosystem.default_cache(),
                        help="ecosystem cache (default: %(default)s); the run is saved there")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--labels", type=Path, default=LABELS, help="default: %(default)s")
    sub = parser.add_subparsers(dest="command", required=True)
    p_sample = sub.add_parser("sample", help="run, save the run, list the unlabelled sample")
    p_sample.add_argument("--reuse", action="store_true", help="use the saved run")
    p_sample.add_argument("--todo", type=Path, help="write the unlabelled sampled findings here")
    p_merge = sub.add_parser("merge", help="add labelled entries from a file to the labels")
    p_merge.add_argument("file", type=Path)
    p_report = sub.add_parser("report", help="per-code counts and verdict shares")
    p_report.add_argument("--reuse", action="store_true", help="use the saved run")
    p_report.add_argument("--markdown", action="store_true", help="the table in Markdown")
    args = parser.parse_args(argv)

    labels = load_labels(args.labels)
    bad = [(r.get("key"), why) for r in labels if (why := check_label(r))]
    if bad:
        for key, why in bad:
            print(f"labels: {args.labels}: {key}: {why}", file=sys.stderr)
        return 1

    if args.command == "merge":
        new = json.loads(args.file.read_text(encoding="utf-8"))
        ready = [r for r in new if check_label(r) is None]
        print(f"merging {len(ready)} labelled of {len(new)} entries")
        keys = {r["key"] for r in ready}
        rows = [r for r in labels if r["key"] not in keys] + ready
        args.labels.write_text(dump_labels(rows), encoding="utf-8")
        return 0

    findings = _findings(args)
    if args.command == "sample":
        matched, _ = match(labels, findings)
        sample = draw(findings)
        psample = product_sample(findings)
        todo = sorted({f.key: f for f in sample + psample if f.key not in matched}.values(),
                      key=lambda f: sort_key(f.key))
        counts = Counter(f.code for f in sample)
        print(f"{len(findings)} findings, {len(sample)} sampled ("
              + ", ".join(f"{c} {n}" for c, n in sorted(counts.items()))
              + f"), {len(psample)} sampled in product code, {len(todo)} unlabelled")
        if args.todo:
            rows = [{"key": f.key, "code": f.code, "text": f.text, "message": f.message,
                     "verdict": "", "reason": ""} for f in todo]
            args.todo.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        for f in todo:
            print(f"  {f.key}    {f.text}")
        return 0
    sys.stdout.write(report(findings, labels, markdown=args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
