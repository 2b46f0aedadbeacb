"""`semantic.config_files`: which reads are of configuration files the code names, asked
directly; and the `config` test of `semantic.guards` at call sites."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.config_files import ConfigFiles, ConfigRead
from asynclint.semantic.guards import ALWAYS, NEVER, Arg, CallArgs, Check, apply
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.scopes import Scope


def _read(source: str, params: frozenset[str] = frozenset()) -> ConfigRead | None:
    """What `ConfigFiles.read` says of the last call in `f`'s body, as `open`/`Path` calls."""
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.mod")
    func = next(s for s in tree.body if isinstance(s, ast.FunctionDef))
    scope = Scope("function", func, model.module_scope)
    call = [n for n in ast.walk(func) if isinstance(n, ast.Call)
            and isinstance(n.func, (ast.Name, ast.Attribute))
            and (getattr(n.func, "id", None) == "open"
                 or getattr(n.func, "attr", None) in ("open", "read_text", "read_bytes"))][-1]
    name = "builtins.open" if isinstance(call.func, ast.Name) else f"pathlib.Path.{call.func.attr}"
    return ConfigFiles(model).read(call, name, scope, params)


CONFIG = {
    "literal": "def f():\n    open('settings.json')",
    "f-string end": "def f(d):\n    open(f'{d}/config.json', 'r')",
    "joined path": "from pathlib import Path\nBASE = Path('x')\ndef f():\n    (BASE / 'app.toml').read_text()",
    "Path(...) last part": "from pathlib import Path\ndef f(r):\n    Path(r, 'static', 'vendor.json').open()",
    "os.path.join": "import os\ndef f(r):\n    open(os.path.join(r, 'compose.YML'), 'rb')",
    "local bound once": "from pathlib import Path\ndef f(r):\n    p = Path(r) / 'schema.json'\n    open(p)",
    "module constant": "from pathlib import Path\nENV = Path('.env')\ndef f():\n    ENV.read_bytes()",
    "keyword mode": "def f():\n    open('a.ini', mode='rt', encoding='utf-8')",
}

NOT_CONFIG = {
    "data file": "def f():\n    open('export.csv')",
    "write": "def f():\n    open('settings.json', 'w')",
    "read-write": "def f():\n    open('settings.json', 'r+')",
    "computed mode": "def f(m):\n    open('settings.json', m)",
    "parameter not given": "def f(path):\n    open(path)",
    "rebound local": "def f(k):\n    p = 'a.json'\n    if k:\n        p = 'dump.bin'\n    open(p)",
    "also bound by except": (
        "def f():\n    p = 'a.json'\n    try:\n        pass\n    except Exception as p:\n"
        "        pass\n    open(p)"),
    "unknown call": "def f(r):\n    open(make_path(r, 'a.json'))",
    "splatted": "def f(a):\n    open('a.json', *a)",
}


@pytest.mark.parametrize("name", CONFIG)
def test_reads_of_named_configuration_files(name: str) -> None:
    assert _read(CONFIG[name]) == ConfigRead()


@pytest.mark.parametrize("name", NOT_CONFIG)
def test_other_reads_and_writes(name: str) -> None:
    assert _read(NOT_CONFIG[name]) is None


def test_a_parameter_path_is_decided_by_the_caller() -> None:
    assert _read("def f(path):\n    path.open('r')", frozenset({"path"})) == ConfigRead("path")
    assert _read("def f(path):\n    open(path, 'w')", frozenset({"path"})) is None


def test_the_config_test_at_call_sites() -> None:
    names = Check("path", "config")
    heavy: tuple[tuple[Check, ...], ...] = ((names.negate(),),)
    light: tuple[tuple[Check, ...], ...] = ((names,),)
    config = {"path": Arg(config=True)}
    assert apply(heavy, config) == NEVER and apply(light, config) == ALWAYS
    literal = {"path": Arg("pyproject.toml")}
    assert apply(heavy, literal) == NEVER and apply(light, literal) == ALWAYS
    data = {"path": Arg("dump.bin")}
    assert apply(heavy, data) == ALWAYS and apply(light, data) == NEVER
    # an argument the caller could not name keeps both ways (the heavy one is reported)
    assert apply(heavy, {}) == ALWAYS
    # a configuration path tells nothing to other tests on the parameter
    assert Check("path", "prefix", ("/etc",)).evaluate_arg(Arg(config=True)) is None


def test_call_args_carry_configuration_paths_through_the_fact() -> None:
    call = ast.parse("load(ext / 'config.json', upload)").body[0].value  # type: ignore[attr-defined]
    args = CallArgs.of(call, frozenset(), frozenset({id(call.args[0])}))
    again = CallArgs.from_data(args.to_data())
    assert again.positional == (Arg(config=True), None)
