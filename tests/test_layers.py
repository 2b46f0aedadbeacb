"""The architecture's arrows, read from the import graph of `src/asynclint` with `ast` (nothing
is imported), so a wrong-way import fails here instead of surfacing as a cycle or a slow start.

Arrows point down only:

    doors (cli, flake8_plugin, pytest_plugin, lsp/*, __main__) -> api -> engine
        -> {fixes, rules} -> semantic -> leaf values (diagnostics, source, globs, codes, __init__)

rules and fixes are siblings, with one exception: a rule's fix is built by the codemods of
fixes, so a rule may import fixes inside its `fix` method (or a `*_fix` helper of its module),
where the import runs only when a fix is computed, never when a file is checked.

config and output sit beside the stack: config imports only leaf values (it knows codes, not
rules); output imports leaf values and config (the settings schema it documents). Output does
NOT read the rules: the rule metadata it renders (rule docs, the SARIF rule table) is handed to
it by the door, which gets it from api (`output.ruledoc.RuleDoc`, `FormatOptions.rule_doc`).
Doors may use each other (`python -m asynclint` is the
CLI; `asynclint server` starts the LSP door): what they must not do is reach past api.

Counted: every import that can run, module level or inside a function, `else:` of
`if TYPE_CHECKING:` included, its body not. Importing `a.b.c` from outside package `a.b` also
counts as importing `a.b` when `a/b/__init__.py` imports package modules itself. Not seen:
`importlib.import_module` with a computed name (rules/__init__.py loading the families,
output.formatter loading a format).

`ALLOWED` lists today's violating edges. It may only shrink: a new violation fails, and so does
an entry that no longer occurs. It must end empty.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "asynclint"

Edge = tuple[str, str]

# Today's violations, (importer, imported). Remove an entry when its import goes; add none.
ALLOWED: frozenset[Edge] = frozenset()


# ---------------------------------------------------------------------------------------------
# Reading the graph


@dataclass(frozen=True)
class ImportGraph:
    """Modules by dotted name, and who imports whom among them at run time."""

    modules: frozenset[str]
    edges: frozenset[Edge]
    # Edges whose every import sits in a function named `fix` or `*_fix` (runs at fix time).
    fix_time: frozenset[Edge] = frozenset()


def _module_files(root: Path) -> dict[str, tuple[Path, bool]]:
    """Every module under the package directory `root`: name -> (file, is it a package)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, str | None]]:
    """Every import statement that can run, with the name of the function it sits in (None at
    module level): module level, in functions, in try blocks; not the body of
    `if TYPE_CHECKING:` (its `else:` runs, so it counts)."""
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, function
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend((child, function) for child in node.orelse)
        else:
            inner = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                else function
            stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _at_fix_time(function: str | None) -> bool:
    """An import in this function runs only when a fix is built: a rule's `fix`, or a
    `*_fix` helper of it."""
    return function is not None and (function == "fix" or function.endswith("_fix"))


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str | None:
    """The module a `from ... import` names, relative levels resolved against `importer`."""
    if node.level == 0:
        return node.module
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    if node.level - 1 >= len(package):
        return None  # beyond the top package
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _longest_known(name: str, modules: frozenset[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _targets(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: frozenset[str]
) -> Iterator[str]:
    """The package modules one import statement loads by name."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if (known := _longest_known(alias.name, modules)) is not None:
                yield known
        return
    base = _absolute(node, importer, is_package)
    if base is None:
        return
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in modules:  # `from asynclint import cache`: the module
            yield submodule
        elif (known := _longest_known(base, modules)) is not None:  # an attribute of it
            yield known


def _with_parents(importer: str, target: str, direct: dict[str, set[str]]) -> Iterator[str]:
    """`target` and the packages whose `__init__` loading it runs, when that `__init__` imports
    package modules itself (an empty one adds nothing) and the importer is not inside it (its
    own packages are loaded already). So importing `config/environment.py` counts as importing
    `config/__init__.py`, which loads the rest of config."""
    yield target
    parts = target.split(".")
    for end in range(1, len(parts)):
        package = ".".join(parts[:end])
        inside = importer == package or importer.startswith(package + ".")
        if direct.get(package) and not inside:
            yield package


def read_graph(root: Path) -> ImportGraph:
    """The run-time import graph of the package in directory `root` (named after it)."""
    files = _module_files(root)
    modules = frozenset(files)
    direct: dict[str, set[str]] = {}
    eager: dict[str, set[str]] = {}  # the targets imported outside a fix, too
    for importer, (path, is_package) in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        direct[importer], eager[importer] = set(), set()
        for node, function in _runtime_imports(tree):
            for target in _targets(node, importer, is_package, modules):
                if target != importer:
                    direct[importer].add(target)
                    if not _at_fix_time(function):
                        eager[importer].add(target)

    def edges_of(targets: dict[str, set[str]]) -> set[Edge]:
        return {
            (importer, imported)
            for importer, found in targets.items()
            for target in found
            for imported in _with_parents(importer, target, direct)
        }

    edges = edges_of(direct)
    return ImportGraph(modules, frozenset(edges), frozenset(edges - edges_of(eager)))


# ---------------------------------------------------------------------------------------------
# Layers: one mapping for today's flat layout and the target packages.

LEAF_VALUES = frozenset({
    "asynclint",  # __init__: __version__
    "asynclint.diagnostics",
    "asynclint.source",
    "asynclint.globs",
    "asynclint.codes",  # the code table
    "asynclint.digests",  # the content hash
})

# Longest match first does not matter: no prefix here is inside another.
PREFIX_LAYERS: tuple[tuple[str, str], ...] = (
    ("asynclint.cli", "doors"),
    ("asynclint.flake8_plugin", "doors"),
    ("asynclint.pytest_plugin", "doors"),
    ("asynclint.__main__", "doors"),
    ("asynclint.lsp", "doors"),
    ("asynclint.api", "api"),
    ("asynclint.engine", "engine"),
    ("asynclint.cache", "engine"),  # target: engine/result_cache.py
    ("asynclint.noqa", "engine"),  # target: engine/noqa.py
    ("asynclint.discovery", "engine"),  # target: engine/discovery.py
    ("asynclint.fixes", "fixes"),
    ("asynclint.rules", "rules"),
    ("asynclint.semantic", "semantic"),
    ("asynclint.config", "config"),
    ("asynclint.output", "output"),
)

# Who may import whom: a module imports its own layer or a lower rank, never a higher or an
# equal one (fixes and rules are siblings: neither imports the other). config and output import
# only values (output also config), so they rank just above the leaves: any layer above may use
# them, except semantic, which has a stricter rule of its own.
RANK: dict[str, int] = {
    "leaf": 0,
    "config": 1,
    "output": 2,
    "semantic": 3,
    "fixes": 4,
    "rules": 4,
    "engine": 5,
    "api": 6,
    "doors": 7,
}

# Doors reach the stack only through api. Doors may also use each other: `python -m asynclint`
# is the CLI, and `asynclint server` starts the LSP door.
DOOR_MAY_IMPORT = frozenset({"doors", "api", "output", "config", "leaf"})


def layer_of(module: str) -> str | None:
    """The layer of a module, by name; None for one nobody placed yet."""
    if module in LEAF_VALUES:
        return "leaf"
    for prefix, layer in PREFIX_LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def _family(module: str) -> str | None:
    """The rule family a module belongs to (`rules/<family>.py` or `rules/<family>/...`)."""
    parts = module.split(".")
    if parts[:2] != ["asynclint", "rules"] or len(parts) < 3 or layer_of(module) != "rules":
        return None
    return None if parts[2] == "base" else parts[2]


# ---------------------------------------------------------------------------------------------
# The rules, each the set of edges breaking it.


def _layered(graph: ImportGraph) -> Iterator[tuple[Edge, str, str]]:
    for edge in graph.edges:
        a, b = (layer_of(m) for m in edge)
        if a is not None and b is not None:
            yield edge, a, b


def cycle_edges(graph: ImportGraph) -> frozenset[Edge]:
    """Edges inside a strongly connected component of more than one module (Tarjan)."""
    successors: dict[str, list[str]] = {m: [] for m in graph.modules}
    for a, b in sorted(graph.edges):
        successors[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    component: dict[str, int] = {}

    def visit(start: str) -> None:
        # Iterative, so a deep graph cannot hit the recursion limit.
        work: list[tuple[str, Iterator[str]]] = [(start, iter(successors[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            child = next(pending, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = index[node]
                        if member == node:
                            break
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(successors[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return frozenset((a, b) for a, b in graph.edges if component[a] == component[b])


def semantic_violations(graph: ImportGraph) -> frozenset[Edge]:
    return frozenset(
        e for e, a, b in _layered(graph) if a == "semantic" and b not in {"semantic", "leaf"}
    )


def family_violations(graph: ImportGraph) -> frozenset[Edge]:
    found = set()
    for a, b in graph.edges:
        fa, fb = _family(a), _family(b)
        if fa is not None and fb is not None and fa != fb:
            found.add((a, b))
    return frozenset(found)


def fixes_violations(graph: ImportGraph) -> frozenset[Edge]:
    return frozenset(e for e, a, b in _layered(graph) if a == "fixes" and b in {"engine", "rules"})


def config_violations(graph: ImportGraph) -> frozenset[Edge]:
    return frozenset(e for e, a, b in _layered(graph) if a == "config" and b == "rules")


def door_violations(graph: ImportGraph) -> frozenset[Edge]:
    return frozenset(e for e, a, b in _layered(graph) if a == "doors" and b not in DOOR_MAY_IMPORT)


def rank_violations(graph: ImportGraph) -> frozenset[Edge]:
    """Imports of a higher or sibling layer; a rule's fix importing fixes excepted."""
    return frozenset(e for e, a, b in _layered(graph) if a != b and RANK[b] >= RANK[a]
                     and not ((a, b) == ("rules", "fixes") and e in graph.fix_time))


RULES: dict[str, Callable[[ImportGraph], frozenset[Edge]]] = {
    "no import cycle": cycle_edges,
    "semantic imports only semantic and leaf values": semantic_violations,
    "no rule family imports another": family_violations,
    "fixes imports neither engine nor rules": fixes_violations,
    "config imports no rules": config_violations,
    "doors import only api, output, config, leaf values and doors": door_violations,
    "arrows point down": rank_violations,
}


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return read_graph(ROOT)


def _listing(edges: frozenset[Edge] | set[Edge]) -> str:
    return "\n".join(f"  {a} -> {b}" for a, b in sorted(edges))


def _check(graph: ImportGraph, rule: str) -> None:
    new = RULES[rule](graph) - ALLOWED
    message = f"{rule}: offending imports (fix them; do not add to ALLOWED):\n"
    assert not new, message + _listing(new)


def test_every_module_has_a_layer(graph: ImportGraph) -> None:
    """A module outside every layer would escape every check below."""
    unplaced = sorted(m for m in graph.modules if layer_of(m) is None)
    assert not unplaced, f"give these modules a layer in test_layers.py: {unplaced}"


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        # Today's flat layout.
        ("asynclint.cache", "engine"),
        ("asynclint.noqa", "engine"),
        ("asynclint.discovery", "engine"),
        ("asynclint.config", "config"),
        ("asynclint.semantic.project", "semantic"),
        ("asynclint.__main__", "doors"),
        # The target layout.
        ("asynclint.engine.traversal", "engine"),
        ("asynclint.engine.result_cache", "engine"),
        ("asynclint.engine.index_store", "engine"),
        ("asynclint.engine.noqa", "engine"),
        ("asynclint.config.schema", "config"),
        ("asynclint.codes", "leaf"),
        ("asynclint.semantic.project.index", "semantic"),
        ("asynclint.fixes.apply", "fixes"),
        ("asynclint.api", "api"),
        ("asynclint.lsp.server", "doors"),
    ],
)
def test_layer_mapping_fits_both_layouts(module: str, layer: str) -> None:
    """The refactoring moves modules; the checks must keep placing them where they belong."""
    assert layer_of(module) == layer


def test_no_import_cycle(graph: ImportGraph) -> None:
    """A cycle makes import order matter and hides which side is the lower layer."""
    _check(graph, "no import cycle")


def test_semantic_imports_only_semantic_and_leaf_values(graph: ImportGraph) -> None:
    """semantic is what names mean: it knows no engine, rules, fixes, config or output."""
    _check(graph, "semantic imports only semantic and leaf values")


def test_no_rule_family_imports_another(graph: ImportGraph) -> None:
    """Families are independent: shared knowledge belongs in semantic or rules/base."""
    _check(graph, "no rule family imports another")


def test_fixes_import_neither_engine_nor_rules(graph: ImportGraph) -> None:
    """fixes turns edits into files; the engine drives it, not the other way round."""
    _check(graph, "fixes imports neither engine nor rules")


def test_config_imports_no_rules(graph: ImportGraph) -> None:
    """config knows codes (a leaf table), not rules: reading settings loads no analysis."""
    _check(graph, "config imports no rules")


def test_doors_go_through_api(graph: ImportGraph) -> None:
    """Every door sees the same stack through one surface, so they cannot drift apart."""
    _check(graph, "doors import only api, output, config, leaf values and doors")


def test_arrows_point_down(graph: ImportGraph) -> None:
    """The general rule the ones above refine: no import of a higher (or sibling) layer."""
    _check(graph, "arrows point down")


def test_allow_list_only_shrinks(graph: ImportGraph) -> None:
    """An entry whose import is gone must leave ALLOWED, so the list can only get shorter."""
    occurring = frozenset().union(*(rule(graph) for rule in RULES.values()))
    stale = ALLOWED - occurring
    assert not stale, "remove from ALLOWED, these no longer break a rule:\n" + _listing(stale)


def test_checker_catches_a_wrong_way_import_and_a_cycle(tmp_path: Path) -> None:
    """The reader and the checks can fail: a fake package with upward arrows and a cycle."""
    package = tmp_path / "asynclint"
    files = {
        "__init__.py": "__version__ = '0'\n",
        "diagnostics.py": "",
        "engine.py": "from asynclint.semantic import model\n",
        # A value living in the rules package: importing it runs rules/__init__.py.
        "config.py": "from asynclint.rules.codes import CODES\n",
        "semantic/__init__.py": "",
        # Function-local imports count; relative imports resolve; TYPE_CHECKING is ignored.
        "semantic/model.py": (
            "from typing import TYPE_CHECKING\n"
            "from .. import diagnostics\n"
            "if TYPE_CHECKING:\n"
            "    from asynclint.rules import base\n"
            "def f():\n"
            "    from ..engine import run\n"
        ),
        "rules/__init__.py": "from asynclint.rules import base\n",
        "rules/base.py": "",
        "rules/codes.py": "CODES = {}\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")

    fake = read_graph(package)

    up = ("asynclint.semantic.model", "asynclint.engine")
    down = ("asynclint.engine", "asynclint.semantic.model")
    assert ("asynclint.semantic.model", "asynclint.diagnostics") in fake.edges
    assert ("asynclint.engine", "asynclint.semantic") not in fake.edges  # an empty __init__
    assert ("asynclint.semantic.model", "asynclint.rules.base") not in fake.edges
    assert cycle_edges(fake) == {up, down}
    assert semantic_violations(fake) == {up}
    wrong_way = {("asynclint.config", "asynclint.rules"),
                 ("asynclint.config", "asynclint.rules.codes")}
    assert config_violations(fake) == wrong_way
    assert rank_violations(fake) == {up, *wrong_way}


def test_a_rule_imports_fixes_only_in_its_fix(tmp_path: Path) -> None:
    """A rule's `fix` (or a `*_fix` helper) may import the codemods of fixes; an import of
    fixes anywhere else in rules runs when files are checked, and is a sibling import."""
    package = tmp_path / "asynclint"
    files = {
        "__init__.py": "",
        "fixes/__init__.py": "",
        "fixes/codemods.py": "",
        "fixes/edits.py": "",
        "fixes/apply.py": "",
        "rules/__init__.py": "",
        "rules/good.py": (
            "class Rule:\n"
            "    def fix(self):\n"
            "        from asynclint.fixes import codemods\n"
            "def thread_fix():\n"
            "    from asynclint.fixes.edits import x\n"
        ),
        "rules/eager.py": "from asynclint.fixes import codemods\n",
        "rules/detects.py": (
            "def plan():\n"
            "    from asynclint.fixes import edits\n"
            "def fix():\n"
            "    from asynclint.fixes import edits\n"
        ),
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")

    fake = read_graph(package)

    assert fake.fix_time == {("asynclint.rules.good", "asynclint.fixes.codemods"),
                             ("asynclint.rules.good", "asynclint.fixes.edits")}
    assert rank_violations(fake) == {("asynclint.rules.eager", "asynclint.fixes.codemods"),
                                     ("asynclint.rules.detects", "asynclint.fixes.edits")}
