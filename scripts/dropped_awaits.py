"""Injected-bug harness for issue 18: remove one `await` at a time in real apps, measure recall.

Like the hidden benchmark: in the application projects of ``scripts/ecosystem.py`` find every
``await <call>`` whose callee is an ``async def`` of the same module (a plain name, or
``self.m``/``cls.m`` where the enclosing class defines ``async def m``) or an ``async def`` imported
from another module of the project. Each mutation deletes exactly one ``await`` in a scratch copy
of the project, runs ``asynclint check --no-cache --select ASL2`` on that file (cwd = the copy, so
the project index sees the rest) and counts as found when a new ASL2xx finding lands on the
mutated statement. Recall is printed overall, per callee location and per use of the result.

    python scripts/dropped_awaits.py                         # all apps, 60 mutations each
    python scripts/dropped_awaits.py --projects lnbits --max-per-project 0 --show-misses
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ecosystem  # a sibling script, imported after the path is set

# Folders whose code is not application code: the benchmark mutates the apps, not their tests.
SKIP_DIRS = frozenset({"tests", "test", "docs", "docs_src", ".git", "node_modules", "build", "dist"})
# Files copied besides `.py` ones, so asynclint finds the same project root and configuration.
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "setup.py", ".asynclint.toml", "asynclint.toml")

# Where the callee lives.
SAME_MODULE = "same-module"
SELF_METHOD = "self-method"
IMPORTED = "imported"
IMPORTED_NAMESPACE = "imported-namespace"


@dataclass(frozen=True)
class Mutation:
    """One `await` to delete: `path` relative to the project root, 1-based `row`, 0-based `col`."""

    path: str
    row: int
    col: int
    lines: tuple[int, int]  # the statement's first and last line (the header of a compound one)
    callee: str  # the callee as written
    location: str  # SAME_MODULE / SELF_METHOD / IMPORTED / IMPORTED_NAMESPACE
    use: str  # how the un-awaited result is used; see `use_category`

    def apply(self, text: str) -> str | None:
        """The file text without this `await`, or None when it does not parse afterwards."""
        lines = text.splitlines(keepends=True)
        line = lines[self.row - 1]
        # ast columns are UTF-8 byte offsets.
        raw = line.encode("utf-8")
        if raw[self.col:self.col + 5] != b"await":
            return None
        end = self.col + 5
        while end < len(raw) and raw[end:end + 1] in (b" ", b"\t"):
            end += 1
        lines[self.row - 1] = (raw[:self.col] + raw[end:]).decode("utf-8")
        mutated = "".join(lines)
        try:
            ast.parse(mutated)
        except (SyntaxError, ValueError):
            return None
        return mutated


# -- the project's modules --------------------------------------------------------------------
@dataclass
class ModuleInfo:
    """What one module defines at top level, and what its imports bind."""

    path: Path
    async_defs: set[str] = field(default_factory=set)
    other_defs: set[str] = field(default_factory=set)  # plain defs, classes, assignments
    # local name -> (module as written, attribute or None, relative level)
    imports: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)


def _top_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking into `if`/`try`/`with` blocks (conditional definitions)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _top_level(stmt.body)
            yield from _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _top_level(stmt.body)
            for handler in stmt.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(stmt.orelse)
            yield from _top_level(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            yield from _top_level(stmt.body)


def summarize(path: Path, tree: ast.Module) -> ModuleInfo:
    info = ModuleInfo(path)
    for stmt in _top_level(tree.body):
        if isinstance(stmt, ast.AsyncFunctionDef):
            info.async_defs.add(stmt.name)
        elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            info.other_defs.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        info.other_defs.add(node.id)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    info.imports[alias.asname] = (alias.name, None, 0)
                else:
                    first = alias.name.split(".")[0]
                    info.imports[first] = (first, None, 0)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    info.imports[alias.asname or alias.name] = (stmt.module or "", alias.name, stmt.level)
    # A name also bound as something else at top level is ambiguous: leave it out.
    info.async_defs -= info.other_defs
    return info


class Project:
    """The parsed modules of one project tree and a simple import resolver (PEP 420 included)."""

    def __init__(self, root: Path, sources: dict[str, str] | None = None) -> None:
        self.root = root
        self.texts: dict[Path, str] = {}
        self.trees: dict[Path, ast.Module] = {}
        self.modules: dict[Path, ModuleInfo] = {}
        files = ({root / rel: text for rel, text in sources.items()} if sources is not None
                 else {p: p.read_text(encoding="utf-8", errors="replace") for p in project_files(root)})
        for path, text in files.items():
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
            self.texts[path] = text
            self.trees[path] = tree
            self.modules[path] = summarize(path, tree)
        self.dirs_with_init = {p.parent for p in self.modules if p.name == "__init__.py"}
        # Every dotted suffix of every module's path -> the files it may name.
        self.by_suffix: dict[str, list[Path]] = defaultdict(list)
        for path in self.modules:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            for i in range(len(parts)):
                self.by_suffix[".".join(parts[i:])].append(path)

    def in_namespace_package(self, path: Path) -> bool:
        """Whether the module's folder (below the project root) has no `__init__.py`."""
        return path.parent != self.root and path.parent not in self.dirs_with_init

    def resolve_module(self, name: str, level: int, importer: Path) -> Path | None:
        """The file of module `name` (relative to `importer` when `level` > 0)."""
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            target = base.joinpath(*name.split(".")) if name else base
            for candidate in (target.with_name(target.name + ".py"), target / "__init__.py"):
                if candidate in self.modules:
                    return candidate
            return None
        candidates = self.by_suffix.get(name, [])
        if not candidates:
            return None

        def closeness(path: Path) -> tuple[int, int]:
            shared = 0
            for a, b in zip(path.parts, importer.parts, strict=False):
                if a != b:
                    break
                shared += 1
            return -shared, len(path.parts)

        return min(candidates, key=closeness)

    def lookup_async(self, module: Path, name: str, depth: int = 0) -> Path | None:
        """The module that defines `async def name` reached from `module` (following re-exports)."""
        info = self.modules.get(module)
        if info is None or depth > 4:
            return None
        if name in info.async_defs:
            return module
        if name in info.imports:
            mod, attr, level = info.imports[name]
            if attr is None:
                return None
            target = self.resolve_module(mod, level, module)
            if target is not None and target != module:
                return self.lookup_async(target, attr, depth + 1)
        return None

    def resolve_imported(self, importer: Path, dotted: list[str]) -> tuple[Path, Path] | None:
        """For callee `a.b.f` bound by an import in `importer`: (imported module, defining module)."""
        info = self.modules[importer]
        root_name = dotted[0]
        if root_name not in info.imports:
            return None
        mod, attr, level = info.imports[root_name]
        rest = dotted[1:]
        if attr is not None:
            # `from mod import attr`: attr is a function or a submodule.
            module = self.resolve_module(mod, level, importer)
            if not rest:
                if module is None:
                    return None
                found = self.lookup_async(module, attr)
                return (module, found) if found else None
            sub = f"{mod}.{attr}" if mod else attr
            current = self.resolve_module(sub, level, importer)
        else:
            current = self.resolve_module(mod, 0, importer)
            if mod.count(".") == 0 and info.imports[root_name][0] == root_name:
                # `import a.b.c` binds `a`: walk down submodules.
                while current is not None and len(rest) > 1:
                    nxt = self.resolve_module(f"{mod}.{rest[0]}", 0, importer)
                    if nxt is None:
                        break
                    mod, rest, current = f"{mod}.{rest[0]}", rest[1:], nxt
        if current is None or len(rest) != 1:
            return None
        found = self.lookup_async(current, rest[0])
        return (current, found) if found else None


def project_files(root: Path) -> list[Path]:
    return [p for p in ecosystem.python_files(root)
            if not SKIP_DIRS.intersection(p.relative_to(root).parts[:-1])]


# -- finding the mutations --------------------------------------------------------------------
def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _local_names(func: ast.AsyncFunctionDef | ast.FunctionDef) -> set[str]:
    """Names bound inside the function (parameters, assignments, imports, nested defs)."""
    names = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    for extra in (func.args.vararg, func.args.kwarg):
        if extra is not None:
            names.add(extra.arg)
    for node in ast.walk(func):
        if node is func:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _statement(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.stmt:
    while not isinstance(node, ast.stmt):
        node = parents[node]
    return node


def _statement_lines(stmt: ast.stmt) -> tuple[int, int]:
    """A simple statement's lines; for a compound one, only its header."""
    body = getattr(stmt, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return stmt.lineno, max(stmt.lineno, body[0].lineno - 1)
    return stmt.lineno, stmt.end_lineno or stmt.lineno


def _value_use(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> str:
    """How the value `node` is used by its surroundings (the category names of issue 18)."""
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute):
        return "attribute"
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return "subscript"
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
        return "iteration"
    if isinstance(parent, ast.Call):
        if isinstance(parent.func, ast.Name) and parent.func.id == "len":
            return "len"
        if node in parent.args:
            return "argument"
    if isinstance(parent, ast.keyword):
        return "argument"
    if isinstance(parent, ast.Starred):
        return "unpacking"
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if any(isinstance(t, (ast.Tuple, ast.List)) for t in targets):
            return "unpacking"
        if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
            return "stored"
        return "rebound"
    if isinstance(parent, (ast.Return, ast.Yield)):
        return "returned"
    if isinstance(parent, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops):
        return "is-none-test"
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp,
                           ast.GeneratorExp, ast.DictComp)):
        return "stored"
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Assert)) or (
            isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)):
        return "truthiness"
    if isinstance(parent, ast.Await):
        return "awaited"
    return "other-value"  # arithmetic, f-string, comparison ...


def use_category(await_node: ast.Await, parents: dict[ast.AST, ast.AST],
                 func: ast.AST | None) -> str:
    """How the un-awaited result would be used: the cause column of issue 18's table."""
    parent = parents.get(await_node)
    if isinstance(parent, ast.Expr):
        return "statement"
    if isinstance(parent, ast.Return):
        return "returned-directly"
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is await_node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if any(isinstance(t, (ast.Tuple, ast.List)) for t in targets):
            return "tuple-unpacked"
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and func is not None:
            return "assigned-then-" + _first_use(targets[0], func, parents)
        return "stored-directly"
    return "inline-" + _value_use(await_node, parents)


def _first_use(target: ast.Name, func: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    after = (target.lineno, target.col_offset)
    uses = sorted(
        (n for n in ast.walk(func)
         if isinstance(n, ast.Name) and n.id == target.id and isinstance(n.ctx, ast.Load)
         and (n.lineno, n.col_offset) > after),
        key=lambda n: (n.lineno, n.col_offset),
    )
    if not uses:
        return "unused"
    return _value_use(uses[0], parents)


def find_mutations(project: Project) -> list[Mutation]:
    """Every `await` the benchmark would delete in the project, categorised."""
    found: list[Mutation] = []
    for path, tree in project.trees.items():
        found.extend(_module_mutations(project, path, tree))
    return found


def _module_mutations(project: Project, path: Path, tree: ast.Module) -> Iterator[Mutation]:
    info = project.modules[path]
    parents = _parents(tree)
    rel = path.relative_to(project.root).as_posix()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        dotted = _dotted(node.value.func)
        if dotted is None:
            continue
        func, klass = _enclosing(node, parents)
        if func is None:
            continue
        location: str | None = None
        if len(dotted) == 1 and dotted[0] in info.async_defs and dotted[0] not in _local_names(func):
            location = SAME_MODULE
        elif (len(dotted) == 2 and dotted[0] in ("self", "cls") and klass is not None
              and dotted[1] in _class_async_methods(klass)):
            location = SELF_METHOD
        elif dotted[0] not in _local_names(func):
            resolved = project.resolve_imported(path, dotted)
            if resolved is not None and resolved[1] != path:
                imported, defining = resolved
                namespace = any(project.in_namespace_package(p) for p in (path, imported, defining))
                location = IMPORTED_NAMESPACE if namespace else IMPORTED
        if location is None:
            continue
        yield Mutation(
            path=rel, row=node.lineno, col=node.col_offset,
            lines=_statement_lines(_statement(node, parents)),
            callee=".".join(dotted), location=location,
            use=use_category(node, parents, func),
        )


def _enclosing(node: ast.AST, parents: dict[ast.AST, ast.AST]
               ) -> tuple[ast.AsyncFunctionDef | ast.FunctionDef | None, ast.ClassDef | None]:
    """The innermost function around `node`, and the class that function is a method of."""
    current = parents.get(node)
    while current is not None and not isinstance(current, (ast.AsyncFunctionDef, ast.FunctionDef)):
        current = parents.get(current)
    if current is None:
        return None, None
    owner = parents.get(current)
    return current, owner if isinstance(owner, ast.ClassDef) else None


def _class_async_methods(klass: ast.ClassDef) -> set[str]:
    asyncs = {s.name for s in klass.body if isinstance(s, ast.AsyncFunctionDef)}
    plain = {s.name for s in klass.body if isinstance(s, ast.FunctionDef)}
    return asyncs - plain


# -- running asynclint ------------------------------------------------------------------------
@dataclass
class Outcome:
    project: str
    mutation: Mutation
    found: bool
    codes: tuple[str, ...] = ()


def asynclint_command() -> list[str]:
    script = Path(sys.executable).with_name("asynclint")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "asynclint"]


def asl2_findings(root: Path, rel: str) -> list[tuple[int, str]]:
    """(row, code) of every ASL2xx finding asynclint reports on one file of the project at root."""
    cmd = [*asynclint_command(), "check", "--no-cache", "--select", "ASL2", "--output-format", "json", rel]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"asynclint failed on {rel} (exit {done.returncode}): {done.stderr[-2000:]}")
    findings: list[tuple[int, str]] = []
    for item in json.loads(done.stdout or "[]"):
        code = str(item["code"])
        if code.startswith("ASL2"):
            start, end = int(item["location"]["row"]), int(item["end_location"]["row"])
            findings.extend((row, code) for row in range(start, end + 1))
    return findings


def _in_lines(findings: Sequence[tuple[int, str]], lines: tuple[int, int]) -> Counter[str]:
    return Counter(code for row, code in findings if lines[0] <= row <= lines[1])


def copy_project(tree: Path, dest: Path) -> None:
    """Copy the `.py` files and the configuration asynclint reads."""
    def ignore(directory: str, names: list[str]) -> list[str]:
        here = Path(directory)
        return [n for n in names
                if not (here / n).is_dir() and not n.endswith(".py")
                and not (here == tree and n in CONFIG_FILES)]
    shutil.copytree(tree, dest, symlinks=True, ignore=ignore)


def run_project(name: str, tree: Path, mutations: Sequence[Mutation], jobs: int) -> list[Outcome]:
    """Apply each mutation in its own scratch copy of the tree (one copy per worker thread)."""
    with tempfile.TemporaryDirectory(prefix="asynclint-dropped-") as tmp:
        copies: list[Path] = []
        for i in range(max(1, jobs)):
            copy = Path(tmp) / str(i) / tree.name
            copy_project(tree, copy)
            copies.append(copy)
        free = list(copies)
        lock = threading.Lock()
        baseline: dict[str, list[tuple[int, str]]] = {}

        def one(mutation: Mutation) -> Outcome | None:
            with lock:
                copy = free.pop()
            try:
                target = copy / mutation.path
                original = target.read_text(encoding="utf-8")
                mutated = mutation.apply(original)
                if mutated is None:
                    return None
                with lock:
                    before = baseline.get(mutation.path)
                if before is None:
                    before = asl2_findings(copy, mutation.path)
                    with lock:
                        baseline[mutation.path] = before
                target.write_text(mutated, encoding="utf-8")
                try:
                    after = asl2_findings(copy, mutation.path)
                finally:
                    target.write_text(original, encoding="utf-8")
                new = _in_lines(after, mutation.lines) - _in_lines(before, mutation.lines)
                return Outcome(name, mutation, bool(new), tuple(sorted(new)))
            finally:
                with lock:
                    free.append(copy)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return [o for o in pool.map(one, mutations) if o is not None]


# -- report -----------------------------------------------------------------------------------
def recall_table(outcomes: Sequence[Outcome], title: str, key: str) -> str:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[getattr(o.mutation, key) if key else "all"].append(o)
    width = max([len(title), *(len(k) for k in groups)]) + 2
    rows = [f"| {title:<{width}}| {'found':>6} | {'total':>6} | {'recall':>7} |",
            f"|{'-' * (width + 1)}|{'-' * 7}:|{'-' * 7}:|{'-' * 8}:|"]
    for k, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        hit = sum(o.found for o in group)
        rows.append(f"| {k:<{width}}| {hit:>6} | {len(group):>6} | {100 * hit / len(group):>6.1f}% |")
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    apps = [p.name for p in ecosystem.PROJECTS if p.kind == "application"]
    parser.add_argument("--projects", help="comma-separated names (default: " + ",".join(apps) + ")")
    parser.add_argument("--cache", type=Path, default=ecosystem.default_cache(),
                        help="download cache (default: %(default)s)")
    parser.add_argument("--max-per-project", type=int, default=60,
                        help="sample at most this many mutations per project; 0: all (default: 60)")
    parser.add_argument("--seed", type=int, default=18, help="sampling seed (default: %(default)s)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel asynclint runs (default: 2)")
    parser.add_argument("--show-misses", action="store_true", help="list every mutation not found")
    parser.add_argument("--json", type=Path, help="also write every outcome to this file")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.projects.split(",")] if args.projects else apps
    unknown = [n for n in names if n not in ecosystem.BY_NAME]
    if unknown:
        parser.error(f"unknown project(s): {', '.join(unknown)}")

    outcomes: list[Outcome] = []
    for name in names:
        tree = ecosystem.fetch(ecosystem.BY_NAME[name], args.cache)
        mutations = find_mutations(Project(tree))
        total = len(mutations)
        if 0 < args.max_per_project < total:
            mutations = random.Random(f"{args.seed}:{name}").sample(mutations, args.max_per_project)
        mutations.sort(key=lambda m: (m.path, m.row, m.col))
        done = run_project(name, tree, mutations, args.jobs)
        hit = sum(o.found for o in done)
        print(f"{name}: {total} candidate awaits, {len(done)} mutated, {hit} found", file=sys.stderr)
        outcomes.extend(done)
    if not outcomes:
        print("no mutations", file=sys.stderr)
        return 1
    print(recall_table(outcomes, "overall", ""))
    print(_per_project(outcomes))
    print(recall_table(outcomes, "callee location", "location"))
    print(recall_table(outcomes, "use of the result", "use"))
    if args.show_misses:
        print("misses:")
        for o in outcomes:
            if not o.found:
                m = o.mutation
                print(f"  {o.project}/{m.path}:{m.row}  {m.location:<18} {m.use:<28} await {m.callee}()")
    if args.json:
        args.json.write_text(json.dumps([
            {"project": o.project, "path": o.mutation.path, "row": o.mutation.row,
             "callee": o.mutation.callee, "location": o.mutation.location, "use": o.mutation.use,
             "found": o.found, "codes": list(o.codes)} for o in outcomes], indent=1) + "\n")
    return 0


def _per_project(outcomes: Sequence[Outcome]) -> str:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.project].append(o)
    rows = ["| project              |  found |  total |  recall |",
            "|----------------------|-------:|-------:|--------:|"]
    for name, group in groups.items():
        hit = sum(o.found for o in group)
        rows.append(f"| {name:<21}| {hit:>6} | {len(group):>6} | {100 * hit / len(group):>6.1f}% |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
