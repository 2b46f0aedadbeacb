"""The catalog of library async APIs, as data a contributor extends in one line.

Names are qualified as `semantic.resolve` and `semantic.type_of` give them (after
`semantic.types.canonical`, which reads `aliases.py`): module functions (`asyncio.sleep`) and
`Type.method` (matched only when the receiver's type is known — never guessed from a method
name). Users add their own with the `extra-async-apis` setting.
"""

from __future__ import annotations


def _methods(owner: str, names: str) -> set[str]:
    return {f"{owner}.{n}" for n in names.split()}


# Calls that return a coroutine (or another awaitable that does nothing until awaited).
COROUTINE_CALLS: frozenset[str] = frozenset({
    # asyncio
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.open_connection",
    "asyncio.open_unix_connection", "asyncio.start_server", "asyncio.start_unix_server",
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "asyncio.to_thread",
    *_methods("asyncio.Queue", "get put join"),
    *_methods("asyncio.PriorityQueue", "get put join"),
    *_methods("asyncio.LifoQueue", "get put join"),
    *_methods("asyncio.Lock", "acquire"),
    *_methods("asyncio.Semaphore", "acquire"),
    *_methods("asyncio.BoundedSemaphore", "acquire"),
    *_methods("asyncio.Condition", "acquire wait wait_for"),
    *_methods("asyncio.Event", "wait"),
    *_methods("asyncio.Barrier", "wait reset abort"),
    *_methods("asyncio.StreamReader", "read readline readexactly readuntil"),
    *_methods("asyncio.StreamWriter", "drain wait_closed start_tls"),
    *_methods("asyncio.subprocess.Process", "wait communicate"),
    *_methods("asyncio.AbstractEventLoop",
              "sock_recv sock_sendall sock_connect sock_accept getaddrinfo "
              "create_connection create_server create_datagram_endpoint shutdown_asyncgens "
              "shutdown_default_executor sendfile connect_read_pipe connect_write_pipe "
              "subprocess_exec subprocess_shell"),
    # anyio
    "anyio.sleep", "anyio.sleep_forever", "anyio.sleep_until", "anyio.open_file",
    "anyio.connect_tcp", "anyio.connect_unix", "anyio.run_process", "anyio.open_process",
    "anyio.to_thread.run_sync", "anyio.to_process.run_sync", "anyio.wait_all_tasks_blocked",
    *_methods("anyio.Event", "wait"),
    *_methods("anyio.Lock", "acquire"),
    *_methods("anyio.Semaphore", "acquire"),
    *_methods("anyio.Condition", "acquire wait"),
    # aiofiles
    "aiofiles.os.remove", "aiofiles.os.rename", "aiofiles.os.stat", "aiofiles.os.mkdir",
    "aiofiles.os.makedirs", "aiofiles.os.listdir", "aiofiles.os.path.exists",
    "aiofiles.os.path.isfile", "aiofiles.os.path.isdir", "aiofiles.os.unlink",
    # httpx
    *_methods("httpx.AsyncClient",
              "get post put patch delete head options request send aclose"),
    *_methods("httpx.Response", "aread aclose"),
    # aiohttp (session methods also work as `async with`; a bare call does nothing)
    *_methods("aiohttp.ClientSession",
              "get post put patch delete head options request close ws_connect"),
    *_methods("aiohttp.ClientResponse", "json text read"),
    *_methods("aiohttp.web.Request", "json text read post"),
    *_methods("aiohttp.web.WebSocketResponse",
              "send_str send_bytes send_json receive receive_str receive_json close prepare"),
    # SQLAlchemy asyncio (AsyncSession.add/add_all/expunge are sync and absent on purpose)
    *_methods("sqlalchemy.ext.asyncio.AsyncSession",
              "execute scalar scalars get get_one commit rollback refresh flush delete close "
              "merge stream stream_scalars invalidate reset run_sync connection"),
    *_methods("sqlalchemy.ext.asyncio.AsyncConnection",
              "execute scalar scalars commit rollback close stream stream_scalars run_sync "
              "exec_driver_sql invalidate start"),
    *_methods("sqlalchemy.ext.asyncio.AsyncEngine", "dispose"),
    # asyncpg
    *_methods("asyncpg.Connection",
              "execute executemany fetch fetchrow fetchval close copy_from_table "
              "copy_to_table copy_records_to_table prepare set_type_codec reload_schema_state"),
    *_methods("asyncpg.Pool", "execute executemany fetch fetchrow fetchval close release"),
    "asyncpg.connect", "asyncpg.create_pool",
    # redis.asyncio
    *_methods("redis.asyncio.Redis",
              "get set delete exists expire incr decr hget hset hgetall hdel lpush rpush lpop "
              "rpop lrange sadd srem smembers zadd zrange publish ping close aclose mget mset "
              "setex ttl keys scan"),
    *_methods("redis.asyncio.client.Pipeline", "execute"),
    # motor
    *_methods("motor.motor_asyncio.AsyncIOMotorCollection",
              "find_one insert_one insert_many update_one update_many delete_one delete_many "
              "replace_one count_documents find_one_and_update find_one_and_delete "
              "create_index drop distinct"),
    # aiosqlite
    "aiosqlite.connect",
    *_methods("aiosqlite.Connection",
              "execute executemany executescript commit rollback close cursor"),
    *_methods("aiosqlite.Cursor", "execute fetchone fetchall fetchmany close"),
    # databases
    *_methods("databases.Database",
              "connect disconnect execute execute_many fetch_all fetch_one fetch_val"),
    # Starlette / FastAPI
    *_methods("starlette.requests.Request", "json body form close is_disconnected"),
    *_methods("starlette.datastructures.UploadFile", "read write seek close"),
    *_methods("starlette.websockets.WebSocket",
              "accept close send send_text send_bytes send_json receive receive_text "
              "receive_bytes receive_json"),
})

# Classes (or calls returning objects) that need `async with`: they have `__aenter__` but no
# `__enter__`, so a plain `with` raises at run time.
ASYNC_CONTEXT_TYPES: frozenset[str] = frozenset({
    "asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Condition",
    "asyncio.TaskGroup", "asyncio.Timeout",
    "anyio.Lock", "anyio.Semaphore", "anyio.Condition", "anyio.CapacityLimiter",
    "httpx.AsyncClient", "aiohttp.ClientSession",
    "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.AsyncConnection",
    "aiosqlite.Connection", "databases.Database", "redis.asyncio.Redis",
})
# Calls whose result needs `async with` (in addition to constructors of the types above).
ASYNC_CONTEXT_CALLS: frozenset[str] = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "anyio.create_task_group", "aiofiles.open",
    "aiofiles.tempfile.NamedTemporaryFile", "aiofiles.tempfile.TemporaryDirectory",
    "httpx.AsyncClient.stream",
    "sqlalchemy.ext.asyncio.AsyncEngine.connect", "sqlalchemy.ext.asyncio.AsyncEngine.begin",
    "sqlalchemy.ext.asyncio.AsyncSession.begin", "sqlalchemy.ext.asyncio.AsyncSession.begin_nested",
    "sqlalchemy.ext.asyncio.AsyncConnection.begin",
    "sqlalchemy.ext.asyncio.async_sessionmaker.__call__",
    "sqlalchemy.ext.asyncio.async_sessionmaker.begin",
    "aiohttp.ClientSession.get", "aiohttp.ClientSession.post", "aiohttp.ClientSession.put",
    "aiohttp.ClientSession.patch", "aiohttp.ClientSession.delete",
    "aiohttp.ClientSession.request", "aiohttp.ClientSession.ws_connect",
    "asyncpg.Pool.acquire", "asyncpg.Connection.transaction",
})
# Calls whose result needs `async for`.
ASYNC_ITERATOR_CALLS: frozenset[str] = frozenset({
    *_methods("httpx.Response", "aiter_bytes aiter_text aiter_lines aiter_raw"),
    *_methods("starlette.websockets.WebSocket", "iter_text iter_bytes iter_json"),
    "starlette.requests.Request.stream",
    "asyncpg.Connection.cursor",
    "aiofiles.os.scandir",
})

# Plain functions and methods whose result is never awaitable: `await` on their call raises
# `TypeError` (ASL208). Only APIs commonly mistaken for coroutines.
PLAIN_CALLS: frozenset[str] = frozenset({
    "time.sleep", "json.dumps", "json.loads",
    "asyncio.Queue.put_nowait", "asyncio.Queue.get_nowait", "asyncio.Queue.qsize",
    "asyncio.Queue.empty", "asyncio.Queue.task_done",
    "asyncio.Event.set", "asyncio.Event.clear", "asyncio.Event.is_set",
    "asyncio.Lock.release", "asyncio.Lock.locked", "asyncio.Semaphore.release",
    "asyncio.Task.cancel", "asyncio.Task.done",
    "asyncio.Future.cancel", "asyncio.Future.done", "asyncio.Future.set_result",
    "asyncio.Future.set_exception",
})

# APIs that take a callable (and its arguments) and call it later; a coroutine object passed
# there is a bug. Value: (position of the callable or the keyword naming it, how to fix):
#   "split":  `f(a, b=1)` -> `f, a, b=1`  (the API forwards *args and **kwargs)
#   "unwrap": `to_thread(f(a))` -> `f(a)` (f is a coroutine function: just await it)
#   "":       no automatic fix
CALLABLE_TAKERS: dict[str, tuple[int | str, str]] = {
    "starlette.background.BackgroundTasks.add_task": (0, "split"),
    "starlette.background.BackgroundTask": (0, "split"),
    "asyncio.to_thread": (0, "unwrap"),
    "anyio.to_thread.run_sync": (0, ""),
    "starlette.concurrency.run_in_threadpool": (0, "unwrap"),
    "fastapi.concurrency.run_in_threadpool": (0, "unwrap"),
    "asyncio.AbstractEventLoop.run_in_executor": (1, ""),
    "asyncio.AbstractEventLoop.call_soon": (0, ""),
    "asyncio.AbstractEventLoop.call_soon_threadsafe": (0, ""),
    "asyncio.AbstractEventLoop.call_later": (1, ""),
    "asyncio.AbstractEventLoop.call_at": (1, ""),
    "threading.Thread": ("target", ""),
    "threading.Timer": (1, ""),
    "concurrent.futures.ThreadPoolExecutor.submit": (0, ""),
    "atexit.register": (0, ""),
}

# Decorators that return the function they wrap unchanged (or an equivalent with the same
# signature), so a decorated `async def` still returns a coroutine when called. A decorator
# not listed makes the function's nature unknown (nothing is reported for its calls).
# Entries ending in "()" are decorator factories (`@pytest.fixture(...)`).
KEEPS_ASYNC: frozenset[str] = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "typing.overload", "typing.final",
    "typing_extensions.overload", "typing_extensions.final", "typing_extensions.override",
    "typing.override", "abc.abstractmethod", "functools.wraps()", "functools.lru_cache",
    "functools.lru_cache()", "functools.cache",
    "pytest.fixture", "pytest.fixture()", "pytest_asyncio.fixture", "pytest_asyncio.fixture()",
    "pytest.mark.asyncio", "pytest.mark.asyncio()", "pytest.mark.parametrize()",
    "pytest.mark.skip()", "pytest.mark.skipif()", "pytest.mark.xfail()", "pytest.mark.anyio",
    "deprecated.deprecated", "deprecated.deprecated()", "typing_extensions.deprecated()",
    "warnings.deprecated()",
})
# Routers/apps (as `type_of` names them) whose decorator methods below register a handler and
# return it unchanged: `@router.get("/")`.
ROUTER_TYPES: frozenset[str] = frozenset({
    "fastapi.FastAPI", "fastapi.APIRouter", "fastapi.applications.FastAPI",
    "fastapi.routing.APIRouter", "starlette.applications.Starlette",
    "starlette.routing.Router", "aiohttp.web.RouteTableDef", "litestar.Router",
})
ROUTE_DECORATOR_METHODS: frozenset[str] = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "route",
    "websocket", "websocket_route", "on_event", "middleware", "exception_handler",
})
# Decorators that turn an async generator into an async context manager factory.
ASYNC_CM_DECORATORS: frozenset[str] = frozenset({
    "contextlib.asynccontextmanager",
})
