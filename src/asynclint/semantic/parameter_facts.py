"""The `params` fact of the project index: what a function does with each parameter, as far as
awaitables go (`semantic.parameters` asks it; `project.facts` lists it).

Per parameter: its annotation when concrete (`semantic.concrete`), and whether the body only
uses it as data (attribute, subscript, iteration, `len()`, arithmetic, f-string; tests and
comparisons beside those) — with the project calls it is handed on to, for the asker to follow
one level. Nothing here reads the index: the fact is computed from the function's own module.
"""

from __future__ import annotations

import ast
from typing import Any

from asynclint.semantic.concrete import (
    annotation_text,
    concrete_names,
    method_classes,
    module_definitions,
)
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import own_nodes, walk
from asynclint.semantic.scopes import LOCAL
from asynclint.semantic.syntax import FUNCS, NESTED_SCOPES, FuncDef

FACT = "params"

# Decorators that leave a function's parameters as they are.
_PLAIN_DECORATORS = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "abc.abstractmethod", "typing.override",
    "typing_extensions.override", "typing.final", "typing_extensions.final",
    "functools.cache", "functools.lru_cache", "functools.lru_cache()",
})
# Builtins that take their argument as data.
VALUE_BUILTINS = frozenset({
    "builtins.len", "builtins.bool", "builtins.str", "builtins.int", "builtins.float",
    "builtins.list", "builtins.tuple", "builtins.set", "builtins.dict", "builtins.sorted",
    "builtins.sum", "builtins.min", "builtins.max", "builtins.any", "builtins.all",
    "builtins.iter", "builtins.next", "builtins.enumerate", "builtins.zip", "builtins.repr",
    "builtins.abs", "builtins.round", "builtins.reversed", "builtins.frozenset",
})
# Builtins that look at their argument without using or keeping it.
_LOOKING_BUILTINS = frozenset({"builtins.isinstance", "builtins.id", "builtins.type"})
# Attributes that exist on a coroutine object.
COROUTINE_ATTRS = frozenset({"send", "throw", "close", "cr_frame", "cr_await", "cr_code",
                              "cr_running", "cr_origin", "cr_suspended", "__await__",
                              "__class__", "__name__", "__qualname__"})

# The fact: [binding, params]; binding "s" (staticmethod), "c" (classmethod) or "i";
# a param: [name, kind, annotation text | None, names to check | None, hand-ons | None]
# with kind "o" (positional-only), "p", "k" (keyword-only), "*", "**"; hand-ons: None when a
# use is not a value use, else the calls it is handed to: [callee, how, position or keyword]
# with how "f" (a function) or "i" (a method through `self`).
Param = list[Any]
Fact = list[Any]


# -- the fact (computed in the callee's module) -------------------------------------------------
def project_fact(func: FuncDef, model: SemanticModel) -> Fact | None:
    """What `func` does with each parameter, as far as awaitables go; None: nothing to say."""
    binding = "i"
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = model.resolve(target, model.module_scope)
        if name is None or name not in _PLAIN_DECORATORS:
            return None
        if name == "builtins.staticmethod":
            binding = "s"
        elif name == "builtins.classmethod":
            binding = "c"
    args = func.args
    kinds = [(a, "o") for a in args.posonlyargs] + [(a, "p") for a in args.args]
    if args.vararg is not None:
        kinds.append((args.vararg, "*"))
    kinds += [(a, "k") for a in args.kwonlyargs]
    if args.kwarg is not None:
        kinds.append((args.kwarg, "**"))
    owner = method_classes(model).get(id(func))
    # The bound `self`/`cls` is never an argument; a builtin-only annotation needs no more.
    bound = args.posonlyargs[0] if args.posonlyargs else args.args[0] if args.args else None
    if owner is None or binding == "s":
        bound = None
    annotated = {arg.arg: concrete_names(arg.annotation, model) for arg, kind in kinds
                 if kind not in ("*", "**") and arg is not bound}
    unsettled = frozenset(name for name, names in annotated.items() if names != [])
    uses, parents = _loads(func, unsettled) if unsettled else ({}, {})
    params: list[Param] = []
    useful = False
    for arg, kind in kinds:
        text = names = usage = None
        if arg.arg in annotated:
            names = annotated[arg.arg]
            if names is not None and arg.annotation is not None:
                text = annotation_text(arg.annotation)
            found = uses.get(arg.arg)
            if found is not None:
                usage = _usage(func, found, parents, model, owner)
            useful = useful or names is not None or usage is not None
        params.append([arg.arg, kind, text, names, usage])
    return [binding, params] if useful else None


Loads = dict[str, list[tuple[ast.Name, ast.AST | None]]]


def _loads(func: FuncDef, names: frozenset[str]) -> tuple[Loads, dict[int, ast.AST]]:
    """One walk of the body: each parameter's loads with their parents (absent when a nested
    function or lambda uses it: a closure may await it later), and the call of each keyword
    argument."""
    parents: dict[int, ast.AST] = {}
    found: Loads = {}
    closed: set[str] = set()
    keyword, nested = ast.keyword, NESTED_SCOPES
    for node, parent in own_nodes(func.body):
        if node.__class__ is keyword and parent is not None:
            parents[id(node)] = parent
        elif isinstance(node, nested):
            closed.update(n.id for n in walk(node) if isinstance(n, ast.Name) and n.id in names)
        elif isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            found.setdefault(node.id, []).append((node, parent))
    return {k: v for k, v in found.items() if k not in closed}, parents




def _usage(func: FuncDef, loads: list[tuple[ast.Name, ast.AST | None]],
           parents: dict[int, ast.AST], model: SemanticModel,
           owner: str | None) -> list[list[Any]] | None:
    """The hand-ons of a parameter when every use (`loads`) is a value use and at least one
    use (or hand-on) proves it; None otherwise."""
    handons: list[list[Any]] = []
    proven = False
    params = [*func.args.posonlyargs, *func.args.args]
    self_name = params[0].arg if owner is not None and params else None
    for node, parent in loads:
        use = _use(node, parent, parents, model)
        if use is None:
            return None
        if use is True:
            proven = True
        elif use is not False:
            callee = _handon_target(use[0], model, owner, self_name)
            if callee is None:
                return None
            handons.append([callee[0], callee[1], use[1]])
    return handons if proven or handons else None


def _use(node: ast.Name, parent: ast.AST | None, parents: dict[int, ast.AST],
         model: SemanticModel) -> bool | tuple[ast.Call, int | str] | None:
    """True: a use that fails or is meaningless on a coroutine; False: a look that neither
    fails nor keeps it (a test, a comparison); (call, position): handed to a call; None:
    anything else (awaited, returned, stored, aliased...)."""
    if isinstance(parent, ast.Attribute):
        return (parent.value is node and parent.attr not in COROUTINE_ATTRS) or None
    if isinstance(parent, ast.Subscript):
        return parent.value is node or None
    if isinstance(parent, (ast.For, ast.comprehension)):
        return parent.iter is node or None
    if isinstance(parent, (ast.BinOp, ast.FormattedValue)):
        return True
    if isinstance(parent, ast.Starred):
        return True  # `f(*x)`, `[*x]`: iterates it
    if isinstance(parent, ast.Assign):
        unpacks = parent.value is node and any(isinstance(t, (ast.Tuple, ast.List))
                                               for t in parent.targets)
        return True if unpacks else None
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return False if parent.test is node else None
    if isinstance(parent, ast.UnaryOp):
        return not isinstance(parent.op, ast.Not)
    if isinstance(parent, ast.Compare):
        return False
    call: ast.AST | None = parent
    where: int | str | None = None
    if isinstance(parent, ast.keyword):
        call = parents.get(id(parent))
        where = parent.arg
    elif isinstance(parent, ast.Call) and node in parent.args:
        where = parent.args.index(node)
        if any(isinstance(a, ast.Starred) for a in parent.args[:where]):
            return None
    if not isinstance(call, ast.Call) or where is None:
        return None
    qualified = model.resolve(call.func, model.module_scope)
    if qualified in VALUE_BUILTINS and where == 0:
        return True
    if qualified in _LOOKING_BUILTINS and where == 0:
        return False
    return call, where


def _handon_target(call: ast.Call, model: SemanticModel, owner: str | None,
                   self_name: str | None) -> tuple[str, str] | None:
    """(qualified callee, how) of a call in the callee's module: an imported or module-level
    function, or a method through the method's own `self`."""
    func = call.func
    module = model.module_name or "__module__"
    qualified = model.resolve(func, model.module_scope)
    if qualified is not None:
        return (qualified, "f") if not qualified.startswith("builtins.") else None
    if isinstance(func, ast.Name):
        binding = model.module_scope.lookup(func.id)
        if binding is not None and binding.qualified == LOCAL \
                and isinstance(module_definitions(model).get(func.id), FUNCS):
            return f"{module}.{func.id}", "f"
        return None
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and owner is not None and func.value.id == self_name):
        return f"{module}.{owner}.{func.attr}", "i"
    return None


# -- the `receiver` fact: which methods a function calls on each parameter ----------------------
RECEIVER_FACT = "receiver"


def receiver_fact(func: FuncDef, model: SemanticModel) -> list[list[Any]] | None:
    """For a module-level function (no decorator): per parameter that takes a positional or
    keyword argument, [name, kind ("o", "p" or "k"), methods], where `methods` lists the
    methods the body calls on it when calling them is all it does with it (`client.get(url)`),
    else None. None when no parameter is used only so (ASL400 asks it: a helper that only
    reads through a shared-safe client handed to it keeps calls sharing that client safe).

    A nested function's uses count like the body's own (`async def send(): await
    client.request(...)`: whenever the closure runs, it only calls that method), unless it
    rebinds the name. `client.request(verb, ...)` is listed as `request:GET` when the verb is a
    literal, `request:=p` when it is the parameter `p` (`receiver_methods` binds it)."""
    if func.decorator_list or id(func) in method_classes(model):
        return None
    args = func.args
    kinds = [(a, "o") for a in args.posonlyargs] + [(a, "p") for a in args.args] \
        + [(a, "k") for a in args.kwonlyargs]
    names = frozenset(a.arg for a, _ in kinds)
    parents: dict[int, ast.AST] = {}
    loads: list[ast.Name] = []
    stored: set[str] = set()
    for node in ast.walk(func):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Name) and node.id in names:
            if isinstance(node.ctx, ast.Load):
                loads.append(node)
            else:
                stored.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            stored.update(set(node.names) & names)
        elif isinstance(node, ast.arg) and node.arg in names and parents.get(id(node)) \
                is not func.args:
            stored.add(node.arg)  # a nested function's parameter shadows it
    methods: dict[str, set[str] | None] = {name: None for name in stored}
    for node in loads:
        called = methods.get(node.id, set())
        if called is None:
            continue
        parent = parents.get(id(node))
        call = parents.get(id(parent)) if isinstance(parent, ast.Attribute) else None
        if isinstance(parent, ast.Attribute) and isinstance(call, ast.Call) \
                and call.func is parent:
            called.add(parent.attr + _verb(call, names - stored))
            methods[node.id] = called
        else:
            methods[node.id] = None
    params = [[a.arg, kind, sorted(m) if (m := methods.get(a.arg)) else None]
              for a, kind in kinds]
    return params if any(p[2] for p in params) else None


_VERB_METHODS = frozenset({"request", "stream"})  # `client.request("GET", url)`


def _verb(call: ast.Call, params: frozenset[str]) -> str:
    """`:GET` for a request method called with a literal verb, `:=p` for one called with the
    (never rebound) parameter `p`; empty otherwise."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _VERB_METHODS:
        return ""
    verb = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == "method"), None)
    if isinstance(verb, ast.Constant) and isinstance(verb.value, str):
        return f":{verb.value.upper()}"
    if isinstance(verb, ast.Name) and verb.id in params:
        return f":={verb.id}"
    return ""


def receiver_methods(fact: Any, call: ast.Call, argument: ast.expr) -> list[str] | None:
    """The methods the callee calls on the parameter `argument` (an argument of `call`, a call
    of the function whose `receiver` fact is `fact`) is passed to; None when unknown."""
    if not isinstance(fact, list):
        return None
    name: str | None = None
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None  # positions after it are unknown
        if arg is argument:
            positional = [p for p in fact if p[1] in ("o", "p")]
            if index >= len(positional):
                return None
            name = positional[index][0]
    for keyword in call.keywords:
        if keyword.value is argument and keyword.arg is not None:
            name = keyword.arg if any(p[0] == keyword.arg and p[1] != "o" for p in fact) else None
    found = next((p[2] for p in fact if p[0] == name), None)
    if not isinstance(found, list):
        return None
    return [_bind_verb(str(m), fact, call) for m in found]


def _bind_verb(method: str, fact: list[Any], call: ast.Call) -> str:
    """`request:=verb` with the call's literal argument for `verb`: `request:GET`."""
    head, _, verb = method.partition(":=")
    if not verb:
        return method
    value: ast.expr | None = next((k.value for k in call.keywords if k.arg == verb), None)
    positional = [p[0] for p in fact if p[1] in ("o", "p")]
    if value is None and verb in positional:
        index = positional.index(verb)
        if index < len(call.args) and not any(isinstance(a, ast.Starred)
                                              for a in call.args[:index + 1]):
            value = call.args[index]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return f"{head}:{value.value.upper()}"
    return head


def read_method(method: str) -> str:
    """The method a fact's entry reads with: `request:GET` is a `get`."""
    head, _, verb = method.partition(":")
    return verb.lower() if verb and not verb.startswith("=") else head
