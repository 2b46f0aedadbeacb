"""`semantic.futures.is_done` and `semantic.entrypoints.once_only`, asked directly."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.entrypoints import EntryPoints, command_root, may_register, once_only
from asynclint.semantic.futures import is_done
from asynclint.semantic.model import SemanticModel
from tests.conftest import only_call


def _result_call(source: str) -> tuple[list[ast.AST], ast.Call]:
    """The ancestors (outermost first) of the one `fut.result()` call, and the call."""
    return only_call(ast.parse(textwrap.dedent(source)),
                     lambda call: isinstance(call.func, ast.Attribute)
                     and call.func.attr == "result")


DONE = {
    "after wrap_future": """
        async def f(fut):
            await asyncio.wrap_future(fut)
            return fut.result()
        """,
    "inside a with after the wait": """
        async def f(fut):
            with scope():
                x = await asyncio.shield(asyncio.wrap_future(fut))
            return fut.result()
        """,
    "if done": """
        async def f(fut):
            if fut.done():
                return fut.result()
        """,
    "event only the callback sets, try whose handler re-raises": """
        async def f(fut):
            ev = Event()
            def cb(_):
                loop.call_soon_threadsafe(ev.set)
            fut.add_done_callback(cb)
            try:
                await ev.wait()
            except Exception:
                log()
                raise
            return fut.result()
        """,
}

NOT_DONE = {
    "no wait": """
        async def f(fut):
            return fut.result()
        """,
    "wait after": """
        async def f(fut):
            x = fut.result()
            await asyncio.wrap_future(fut)
        """,
    "wait in one branch": """
        async def f(fut, a):
            if a:
                await asyncio.wrap_future(fut)
            return fut.result()
        """,
    "handler goes on": """
        async def f(fut):
            try:
                await asyncio.wrap_future(fut)
            except Exception:
                pass
            return fut.result()
        """,
    "event also set elsewhere": """
        async def f(fut):
            ev = Event()
            def cb(_):
                ev.set()
            fut.add_done_callback(cb)
            ev.set()
            await ev.wait()
            return fut.result()
        """,
    "a sync def": """
        def f(fut):
            if fut.done():
                return fut.result()
        """,
}


@pytest.mark.parametrize("name", DONE)
def test_known_done(name: str) -> None:
    ancestors, call = _result_call(DONE[name])
    assert is_done(call, ancestors)


@pytest.mark.parametrize("name", NOT_DONE)
def test_not_known_done(name: str) -> None:
    ancestors, call = _result_call(NOT_DONE[name])
    assert not is_done(call, ancestors)


def _quiet(source: str) -> set[str]:
    """The module's once-only functions; the same whether its text is at hand or not (with
    it, a module spelling no registration name is not looked through for one)."""
    text = textwrap.dedent(source)
    found = []
    for given in (None, text):
        tree = ast.parse(text)
        model = SemanticModel(tree, "app.main")
        found.append({s.name for s in tree.body if isinstance(s, (ast.FunctionDef,
                      ast.AsyncFunctionDef)) and once_only(s, model, given)})
    assert found[0] == found[1]
    return found[1]


@pytest.mark.parametrize(("text", "expected"), [
    ("asyncio.run(_main())", True),
    ("from asyncio import run as go\ngo(_main())", True),
    ("loop.run_until_complete(_main())", True),
    ("app = FastAPI(lifespan=lifespan)", True),
    ("app.on_startup.append(_warm)", True),
    ("app.add_event_handler('startup', _warm)", True),
    ("parser.set_defaults(func=_cmd)", True),
    ("await anyio.to_thread.run_sync(work)\nrunner = 1\nrerun()", False),
    ("@app.get('/')\nasync def index(): ...", False),
])
def test_may_register_needs_a_whole_name(text: str, expected: bool) -> None:
    assert may_register(text) is expected


def test_a_module_spelling_no_registration_name_is_not_looked_through(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: EntryPoints) -> set[str]:
        raise AssertionError("looked through for registrations")

    monkeypatch.setattr(EntryPoints, "_registered", refuse)
    text = "import time\n\n\nasync def _load():\n    time.sleep(1)\n"
    tree = ast.parse(text)
    assert not once_only(tree.body[1], SemanticModel(tree, "app.main"), text)


def test_hooks_commands_and_their_private_helpers() -> None:
    assert _quiet("""
        import click
        from fastapi import FastAPI

        app = FastAPI()

        @app.on_event("startup")
        async def warm(): await _load()

        async def _load(): await _deeper()
        async def _deeper(): ...
        async def _also_from_a_route(): ...
        async def public_helper(): ...

        @click.group()
        def cli(): ...

        @cli.command()
        def run():
            asyncio.run(_also_from_a_route())
            asyncio.run(public_helper())

        @app.get("/")
        async def index(): await _also_from_a_route()

        @app.on_event("request")
        async def not_an_event(): ...
        """) == {"warm", "_load", "_deeper", "cli", "run"}


def test_a_hook_that_is_also_a_route_or_called_per_request() -> None:
    assert _quiet("""
        from fastapi import FastAPI

        app = FastAPI()

        async def hook(): ...
        async def route_too(): ...
        async def kept(): ...

        app.add_event_handler("startup", hook)
        app.add_event_handler("startup", route_too)
        app.add_event_handler("shutdown", kept)
        app.add_api_route("/", route_too)

        @app.get("/again")
        async def again(): await hook()
        """) == {"kept"}


def test_a_command_line_module_quiets_its_public_coroutines_too() -> None:
    """A module that defines commands and serves no request: its coroutines are the commands'
    implementation, public or not (what `__all__` exports, or what is handed on, stays checked)."""
    assert _quiet("""
        import argparse
        import asyncio

        __all__ = ["exported"]

        async def init(): ...
        async def migrate(): await init()
        async def exported(): ...
        async def handed_on(): ...
        async def unused(): ...
        JOBS = [handed_on]

        async def _run(args):
            await migrate()
            await exported()
            await handed_on()

        def main():
            parser = argparse.ArgumentParser()
            parser.set_defaults(func=_run)
            asyncio.run(parser.parse_args().func(parser.parse_args()))
        """) == {"_run", "migrate", "init"}


def test_a_typer_module_with_public_helpers() -> None:
    assert _quiet("""
        import typer

        app = typer.Typer()

        async def load(): ...

        @app.command()
        async def sync_all():
            await load()
        """) == {"sync_all", "load"}


def _commands(source: str) -> set[str]:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.cli")
    return {s.name for s in tree.body
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and command_root(s, model)}


def test_command_roots_are_commands_nothing_in_the_module_calls() -> None:
    """A command's own coroutine ends the command when it returns: a group or callback (a
    sub-command runs after it), a command another one awaits, a helper, a start-up hook and an
    argparse handler (the module's own code awaits it) are not command roots."""
    assert _commands("""
        import argparse
        import asyncio
        import click
        import cyclopts
        import typer
        from fastapi import FastAPI

        app = typer.Typer()
        worker_app = cyclopts.App()
        api = FastAPI()

        @app.command()
        async def start(): await _helper()

        @app.callback()
        async def setup(): ...

        @click.group()
        async def tools(): ...

        @tools.command()
        async def sync(): ...

        @tools.command()
        async def resync(): await sync()

        @worker_app.default
        async def status(): ...

        @click.command()
        async def plain(): ...

        async def _helper(): ...

        @api.on_event("startup")
        async def warm(): ...

        async def _run(args): ...
        async def _run_twice(args): ...

        def main():
            parser = argparse.ArgumentParser()
            parser.set_defaults(func=_run)
            parser.set_defaults(func=_run_twice)
            args = parser.parse_args()
            asyncio.run(_run_twice(args))
        """) == {"start", "resync", "status", "plain"}


def test_the_main_of_an_event_loop_of_its_own() -> None:
    """A private coroutine the module runs with `asyncio.run` / `anyio.run` (also imported in
    the function) / `loop.run_until_complete` owns that loop: nothing else waits on it. A
    public one may be awaited elsewhere, and one a route also awaits stays checked."""
    assert _quiet("""
        import asyncio
        from fastapi import FastAPI

        app = FastAPI()

        async def _main(argv): await _step()
        async def _step(): ...
        async def _hook(kind, path): ...
        async def _until(): ...
        async def _also_served(): ...
        async def public_main(): ...

        def main(argv=None):
            import anyio
            anyio.run(_hook, "crashed", "m.json")
            return asyncio.run(_main(argv))

        def sync_worker():
            loop = asyncio.new_event_loop()
            loop.run_until_complete(_until())
            asyncio.run(_also_served())

        @app.get("/")
        async def index(): await _also_served()

        if __name__ == "__main__":
            asyncio.run(public_main())
        """) == {"_main", "_step", "_hook", "_until"}


def test_the_module_that_builds_the_application() -> None:
    """A module that registers the application's lifespan or start-up hooks and serves no
    request itself is the composition root: routers are imported by it, not the other way
    round, so its public coroutines that only the start-up calls run once too. What it exports,
    hands on, or calls from other code stays checked."""
    assert _quiet("""
        from contextlib import asynccontextmanager
        from fastapi import FastAPI

        __all__ = ["exported"]

        async def startup(app): await register_extensions(app)
        async def register_extensions(app): ...
        async def exported(): ...
        async def handed_on(): ...
        async def also_later(): ...
        HOOKS = [handed_on]

        @asynccontextmanager
        async def lifespan(app):
            await startup(app)
            await exported()
            await handed_on()
            await also_later()
            yield

        def create_app() -> FastAPI:
            return FastAPI(lifespan=lifespan)

        def schedule():
            return also_later()
        """) == {"lifespan", "startup", "register_extensions"}
