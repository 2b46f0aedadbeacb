"""Reads of configuration files: a read-only `open` (or `Path.read_text`, `Path.open`...) of a
path whose last part is a literal with a configuration suffix (`"settings.json"`,
`BASE / "config.toml"`, `Path(root, "static", "vendor.json")`, `f"{DATA_DIR}/config.json"`).

Such a file is small and read again and again, so it sits in the page cache: reading it costs
microseconds, less than handing the read to a worker thread. The blocking rules count it apart
(`Cost.CONFIG`, reported by the opt-in ASL110), as they count metadata calls. The literal name
is the evidence: a path the code does not spell (a parameter, an upload's name, a data file
picked at run time) stays a heavy read, and so does every write.

A helper reading the file its parameter names (`def load_json(path): with open(path) as f:`) is
decided at each call: `load_json(ext_dir / "config.json")` reads a configuration file,
`load_json(upload)` may not (`semantic.guards`, the `config` test on a parameter).

Knowledge is data (`catalogs/blocking.py`: `CONFIG_READERS`, `CONFIG_SUFFIXES`,
`PATH_BUILDERS`).

Public API: `ConfigFiles(model)` (one per module, `ConfigFiles.of(model)`):
`read(call, name, scope) -> ConfigRead | None` and `names_config(expr, scope) -> bool`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from asynclint.semantic.catalogs.blocking import CONFIG_READERS, PATH_BUILDERS
from asynclint.semantic.guards import config_name
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import own_nodes
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import BINDING_NODES, FUNCS, bound_name, every_parameter
from asynclint.semantic.types import canonical

_DEPTH = 3  # local names followed back to their value, at most
_WRITE_MODES = frozenset("wax+")


@dataclass(frozen=True)
class ConfigRead:
    """A read-only read of a file: of a named configuration file (`param` None), or of the
    file the enclosing function's parameter `param` names (a configuration file or not,
    depending on the call)."""

    param: str | None = None


def _last_literal(expr: ast.expr) -> str | None:
    """The literal text a path expression ends in: a string, or an f-string's last part."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr) and expr.values:
        last = expr.values[-1]
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            return last.value
    return None


@dataclass(frozen=True)
class _Locals:
    values: Mapping[str, ast.expr]  # bound once, by `name = value`, and not a parameter
    opened: Mapping[str, ast.expr]  # bound once, by `with opener as name`, and not a parameter
    bound: frozenset[str]  # every name the block binds, parameters included


def _locals(nodes: Iterable[ast.AST], params: frozenset[str]) -> _Locals:
    """What a block's own nodes bind."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    opened: dict[str, ast.expr] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                values[node.targets[0].id] = node.value
        elif isinstance(node, ast.withitem):
            if isinstance(node.optional_vars, ast.Name):
                opened[node.optional_vars.id] = node.context_expr
        elif node.__class__ in BINDING_NODES:
            name = bound_name(node)
            if name is not None:
                # a value is known only from a name's one binding, by an assignment or a
                # `with ... as` (whose targets are the stored names counted here)
                counts[name] = counts.get(name, 0) + (1 if isinstance(node, ast.Name) else 2)
    def once(found: dict[str, ast.expr]) -> dict[str, ast.expr]:
        return {name: value for name, value in found.items()
                if counts.get(name) == 1 and name not in params}

    return _Locals(once(values), once(opened), frozenset(counts) | params)


def _parameters(func: ast.AST) -> frozenset[str]:
    args = getattr(func, "args", None)
    if not isinstance(args, ast.arguments):
        return frozenset()
    return frozenset(a.arg for a in every_parameter(args))


class ConfigFiles:
    """The configuration-file questions of one module, with its per-function memo."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self._locals: dict[int, _Locals] = {}
        self._nodes: dict[int, list[ast.AST]] = {}  # own nodes a caller already listed

    @staticmethod
    def of(model: SemanticModel) -> ConfigFiles:
        return model.shared("config-files", lambda: ConfigFiles(model))

    def read(self, call: ast.Call, name: str, scope: Scope,
             params: frozenset[str] = frozenset()) -> ConfigRead | None:
        """Whether `call`, the catalog's `name` (`builtins.open`), only reads a configuration
        file, or the file one of `params` (the enclosing function's parameters it never
        rebinds) names; None when it may write or read another file."""
        where = CONFIG_READERS.get(name)
        if where is None:
            return None
        path_at, mode_at = where
        if path_at < 0:
            if not isinstance(call.func, ast.Attribute):
                return None
            path: ast.expr | None = call.func.value
        else:
            path = _argument(call, path_at, "file")
        if path is None or (mode_at is not None and not _read_only(call, mode_at)):
            return None
        if isinstance(path, ast.Name) and path.id in params:
            return ConfigRead(path.id)
        return ConfigRead() if self.names_config(path, scope) else None

    def prime(self, func: ast.AST, nodes: list[ast.AST]) -> None:
        """Keep the own nodes a caller already listed for a function: its locals are worked out
        from them if a path is ever followed to one (one walk less, and none when not)."""
        self._nodes.setdefault(id(func), nodes)

    def names_config(self, expr: ast.expr, scope: Scope, depth: int = _DEPTH) -> bool:
        """`expr` is a path to a configuration file, by the literal name it ends in."""
        text = _last_literal(expr)
        if text is not None:
            return config_name(text)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            return self.names_config(expr.right, scope, depth)
        if isinstance(expr, ast.Call) and expr.args and not expr.keywords \
                and not isinstance(expr.args[-1], ast.Starred):
            # the cheap test first: most calls passed as arguments build no path
            if not self.names_config(expr.args[-1], scope, depth):
                return False
            qualified = self.model.resolve(expr.func, scope)
            return qualified is not None and canonical(qualified) in PATH_BUILDERS
        if isinstance(expr, ast.Name) and depth > 0:
            value = self._value(expr.id, scope)
            return value is not None and self.names_config(value, scope, depth - 1)
        return False

    def opener(self, call: ast.Call, scope: Scope) -> ast.Call | None:
        """The call that opened the file `call` is a method of: `f.read()` where the function
        binds `f` once, by `with open(...) as f:`."""
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name) \
                or not isinstance(scope.node, FUNCS):
            return None
        found = self._locals_of(scope.node)
        opener = found.opened.get(func.value.id) if found is not None else None
        return opener if isinstance(opener, ast.Call) else None

    def _locals_of(self, node: ast.AST) -> _Locals | None:
        body = getattr(node, "body", None)
        if not isinstance(node, (*FUNCS, ast.Module)) or not isinstance(body, list):
            return None
        found = self._locals.get(id(node))
        if found is None:
            nodes = self._nodes.get(id(node))
            found = self._locals[id(node)] = _locals(
                nodes if nodes is not None else (n for n, _ in own_nodes(body)),
                _parameters(node))
        return found

    def _value(self, name: str, scope: Scope) -> ast.expr | None:
        """The one value a local (else a module-level) name is ever given."""
        current: Scope | None = scope
        while current is not None:
            found = self._locals_of(current.node)
            if found is not None:
                if name in found.values:
                    return found.values[name]
                if name in found.bound:
                    return None  # a parameter, or bound more than once: not known
            current = current.parent
        return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if len(call.args) > position and not any(isinstance(a, ast.Starred)
                                             for a in call.args[:position + 1]):
        return call.args[position]
    return None


def _read_only(call: ast.Call, mode_at: int) -> bool:
    """The mode argument, when given, is a literal that neither writes, appends, creates nor
    updates (`"r"`, `"rb"`); a mode the code computes may write."""
    if any(kw.arg is None for kw in call.keywords) \
            or any(isinstance(a, ast.Starred) for a in call.args):
        return False
    mode = _argument(call, mode_at, "mode")
    if mode is None:
        return True
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) \
        and not _WRITE_MODES & set(mode.value)
