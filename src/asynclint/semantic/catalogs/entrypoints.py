"""Code that runs once, not per request: start-up and shutdown hooks and command-line commands,
as data a contributor extends in one line per table (`semantic/entrypoints.py` reads these).

Types are canonical names (see `aliases.py`).
"""

from __future__ import annotations

# Decorators that make the function a command-line command or group (`@click.command()`).
CLI_DECORATORS = frozenset({
    "click.command", "click.group", "asyncclick.command", "asyncclick.group",
})
# ... and the ones that make it a group, whose own `.command()` / `.group()` register more.
CLI_GROUP_DECORATORS = frozenset({"click.group", "asyncclick.group"})
# Objects whose `.command()` / `.group()` / `.callback()` / `.default()` decorators register
# commands (cyclopts' `App.default` is the command run without a sub-command).
CLI_APPS = frozenset({"typer.Typer", "click.Group", "asyncclick.Group", "cyclopts.App"})
CLI_METHODS = frozenset({"command", "group", "callback", "default"})
# The decorators and methods among those that make a command, not a group or a callback (which
# run before a sub-command, so the sub-command runs on after them).
CLI_COMMAND_DECORATORS = frozenset({"click.command", "asyncclick.command"})
CLI_COMMAND_METHODS = frozenset({"command", "default"})

# Applications and routers with start-up/shutdown events.
LIFECYCLE_OWNERS = frozenset({
    "fastapi.FastAPI", "fastapi.APIRouter", "starlette.applications.Starlette",
    "starlette.routing.Router",
})
LIFECYCLE_EVENTS = frozenset({"startup", "shutdown"})
# `@app.on_event("startup")`; `app.add_event_handler("startup", f)`.
LIFECYCLE_DECORATOR = "on_event"
LIFECYCLE_REGISTRATION = "add_event_handler"
# Constructors whose keywords name start-up/shutdown hooks (a list of them, or one lifespan).
LIFECYCLE_KEYWORDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("fastapi.FastAPI", "fastapi.APIRouter", "starlette.applications.Starlette",
                     "starlette.routing.Router", "litestar.Litestar"),
                    frozenset({"on_startup", "on_shutdown", "lifespan"})),
}
# Signal lists of an application whose `.append(f)` registers a start-up/shutdown hook:
# "Type.attribute".
LIFECYCLE_SIGNALS = frozenset({
    "aiohttp.web.Application.on_startup", "aiohttp.web.Application.on_shutdown",
    "aiohttp.web.Application.on_cleanup", "aiohttp.web.Application.cleanup_ctx",
    "starlette.routing.Router.on_startup", "starlette.routing.Router.on_shutdown",
    "fastapi.APIRouter.on_startup", "fastapi.APIRouter.on_shutdown",
})
# `parser.set_defaults(func=f)`: an argparse sub-command's handler.
ARGPARSE_PARSER = "argparse.ArgumentParser"
