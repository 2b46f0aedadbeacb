"""What the ASL4xx rules know about concurrent use, as data a contributor extends in one line.

Two awaited calls may run concurrently only when nothing they share forbids it. These tables say
which receiver types forbid sharing (one connection, one transaction, one stream: two operations
in flight at once corrupt the protocol or raise), which are built for it (pool-backed clients),
which of their methods only read, and which calls have an ordering meaning of their own.
Types are qualified as `semantic.type_of` returns them (canonical names, see `aliases.py`).
"""

from __future__ import annotations

# Receivers that must not be used by two operations at once. Unknown receivers are treated the
# same way by the rules; this table makes the known ones explicit (and wins over ALLOW).
FORBID_SHARING: frozenset[str] = frozenset({
    # SQLAlchemy asyncio: a session / connection runs one statement at a time
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.AsyncTransaction",
    "sqlalchemy.ext.asyncio.async_scoped_session",
    # asyncpg: "another operation is in progress"
    "asyncpg.Connection",
    "asyncpg.connection.Connection",
    "asyncpg.transaction.Transaction",
    "asyncpg.cursor.Cursor",
    # psycopg 3, aiosqlite, aiomysql, aiopg
    "psycopg.AsyncConnection",
    "psycopg.AsyncCursor",
    "aiosqlite.Connection",
    "aiosqlite.Cursor",
    "aiomysql.Connection",
    "aiomysql.Cursor",
    "aiopg.Connection",
    "aiopg.Cursor",
    # redis pipelines queue commands in order
    "redis.asyncio.client.Pipeline",
    # websockets and streams: frames and bytes have an order
    "starlette.websockets.WebSocket",
    "starlette.requests.Request",
    "aiohttp.web.WebSocketResponse",
    "aiohttp.web.Request",
    "aiohttp.web_request.Request",
    "aiohttp.ClientWebSocketResponse",
    "aiohttp.ClientResponse",
    "websockets.ClientConnection",
    "websockets.ServerConnection",
    "websockets.WebSocketClientProtocol",
    "websockets.WebSocketServerProtocol",
    "asyncio.StreamReader",
    "asyncio.StreamWriter",
    "httpx.Response",
    # synchronisation primitives: their whole point is order
    "asyncio.Lock",
    "asyncio.Semaphore",
    "asyncio.BoundedSemaphore",
    "asyncio.Event",
    "asyncio.Condition",
    "asyncio.Barrier",
    "asyncio.Queue",
    "asyncio.PriorityQueue",
    "asyncio.LifoQueue",
})

# Receivers whose every awaited method is about order (waiting for a lock, an event, an item).
SYNCHRONIZATION_TYPES: frozenset[str] = frozenset({
    "asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Event",
    "asyncio.Condition", "asyncio.Barrier", "asyncio.Queue", "asyncio.PriorityQueue",
    "asyncio.LifoQueue", "anyio.Lock", "anyio.Semaphore", "anyio.Event", "anyio.Condition",
})

# Receivers documented as safe for concurrent use (pool-backed clients).
ALLOW_SHARING: frozenset[str] = frozenset({
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "asyncpg.Pool",
    "asyncpg.pool.Pool",
    "redis.asyncio.Redis",
    "sqlalchemy.ext.asyncio.AsyncEngine",
    "motor.motor_asyncio.AsyncIOMotorClient",
    "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorCollection",
    "elasticsearch.AsyncElasticsearch",
    "databases.Database",
})

# Methods of ALLOW_SHARING receivers that only read. Any other method is treated as a write:
# a write followed by anything on the same receiver keeps its order (create, then fetch).
READ_METHODS: dict[str, frozenset[str]] = {
    "httpx.AsyncClient": frozenset({"get", "head", "options"}),
    "aiohttp.ClientSession": frozenset({"get", "head", "options"}),
    "asyncpg.Pool": frozenset({"fetch", "fetchrow", "fetchval"}),
    "asyncpg.pool.Pool": frozenset({"fetch", "fetchrow", "fetchval"}),
    "redis.asyncio.Redis": frozenset({
        "get", "mget", "exists", "ttl", "pttl", "type", "strlen", "getrange",
        "hget", "hmget", "hgetall", "hexists", "hkeys", "hvals", "hlen",
        "lrange", "llen", "lindex", "smembers", "sismember", "scard",
        "zrange", "zrevrange", "zrangebyscore", "zscore", "zcard", "zrank", "zcount",
    }),
    "motor.motor_asyncio.AsyncIOMotorCollection": frozenset({
        "find_one", "count_documents", "estimated_document_count", "distinct",
    }),
    "elasticsearch.AsyncElasticsearch": frozenset({"get", "mget", "search", "count", "exists"}),
    "databases.Database": frozenset({"fetch_one", "fetch_all", "fetch_val"}),
}

# Types whose values cannot be changed through a reference: sharing them is sharing nothing.
VALUE_TYPES: frozenset[str] = frozenset({
    "builtins.int", "builtins.str", "builtins.float", "builtins.bool", "builtins.bytes",
    "builtins.complex", "builtins.frozenset", "uuid.UUID", "decimal.Decimal",
    "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
    "pydantic.EmailStr", "pydantic.HttpUrl", "pydantic.AnyUrl", "pydantic.SecretStr",
})

# Awaited functions that are never "an independent operation": they are ordering itself
# (sleep), already concurrency (gather, wait), or hand work to threads whose thread-safety
# nothing here can judge (to_thread, run_in_threadpool).
ORDERING_CALLS: frozenset[str] = frozenset({
    "asyncio.sleep", "anyio.sleep", "anyio.sleep_forever", "anyio.sleep_until", "trio.sleep",
    "builtins.anext", "asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.shield", "asyncio.timeout",
    "asyncio.as_completed", "asyncio.to_thread", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.open_connection",
    "starlette.concurrency.run_in_threadpool", "fastapi.concurrency.run_in_threadpool",
    "anyio.to_thread.run_sync", "anyio.from_thread.run", "asgiref.sync.sync_to_async",
})

# Method names with an ordering meaning on any receiver, typed or not: transactions, locks,
# events, queues, protocol steps, life-cycle. A statement awaiting one ends a run.
ORDERING_METHODS: frozenset[str] = frozenset({
    "commit", "rollback", "flush", "refresh", "close", "aclose", "begin", "begin_nested",
    "start", "stop", "shutdown", "startup", "initialize", "setup", "teardown", "dispose",
    "acquire", "release", "wait", "wait_for", "wait_closed", "notify", "notify_all",
    "put", "put_nowait", "join", "task_done", "drain", "write", "writelines", "sleep",
    "connect", "disconnect", "accept", "send", "receive", "recv", "send_text", "send_bytes",
    "send_json", "receive_text", "receive_bytes", "receive_json", "login", "logout",
    "authenticate", "run_in_executor", "run_sync", "cancel", "lock", "unlock", "subscribe",
    "unsubscribe", "publish", "__anext__", "asend", "athrow", "__aenter__", "__aexit__",
})


# Libraries that hand project code an implicit, context-bound session (a context variable or
# a global proxy): gathered tasks inherit the context and so share one session, invisibly.
# In a module importing one, every call may use that session.
AMBIENT_SESSION_MODULES: frozenset[str] = frozenset({
    "fastapi_async_sqlalchemy",
    "fastapi_sqlalchemy",
    "fastapi_sqlalchemy_toolkit",
    "sqlalchemy.ext.asyncio.async_scoped_session",
    "starlette_context",
})

# Words in the name of an `async with` context that binds a connection or transaction to the
# running context (`in_transaction()`, `db.transaction()`, `atomic()`, `pool.acquire()`): calls
# inside it, which may run on that connection without naming it, count as sharing it.
CONTEXT_BINDING_WORDS: frozenset[str] = frozenset({
    "transaction", "in_transaction", "atomic", "begin", "begin_nested", "acquire", "connection",
    "connect", "session", "session_context", "savepoint", "lock",
})

# A loop body `with span(...): await fetch(item)` may become one coroutine per item entering
# its own `with`, when the context only observes: these calls, or a call whose name has one of
# the NEUTRAL words and none of the PACING words or CONTEXT_BINDING_WORDS (ASL401).
NEUTRAL_CONTEXT_CALLS: frozenset[str] = frozenset({"contextlib.suppress", "contextlib.nullcontext"})
NEUTRAL_CONTEXT_WORDS: frozenset[str] = frozenset({
    "span", "trace", "tracer", "tracing", "timer", "timed", "timing", "stopwatch", "measure",
    "profile", "profiler", "suppress",
})
PACING_WORDS: frozenset[str] = frozenset({
    "limit", "limiter", "limited", "throttle", "throttled", "rate", "pace", "semaphore",
    "lock", "mutex", "slot", "capacity", "backoff", "retry",
})

# Words that, anywhere in a callee's snake_case or camelCase name, say it changes state
# (`update_limits`, `get_or_create`, `asave`). Such a call keeps its order: the next call may
# read what it wrote (`update_x(id)` then `get_x(id)`). Reading methods of shared-safe clients
# are judged by READ_METHODS instead.
WRITE_WORDS: frozenset[str] = frozenset({
    "create", "update", "upsert", "insert", "delete", "remove", "save", "store", "persist",
    "write", "set", "add", "put", "post", "patch", "push", "pop", "append", "extend", "replace",
    "register", "unregister", "mark", "increment", "decrement", "incr", "decr", "bump",
    "send", "publish", "emit", "notify", "enqueue", "dequeue", "dispatch", "trigger",
    "execute", "exec", "run", "process", "handle", "apply", "sync", "migrate", "seed",
    "install", "uninstall", "enable", "disable", "activate", "deactivate", "approve", "reject",
    "cancel", "revoke", "grant", "assign", "unassign", "move", "rename", "copy", "upload",
    "import", "export", "purge", "clear", "reset", "invalidate", "expire", "evict", "refresh",
    "reload", "claim", "consume", "ack", "nack", "lock", "unlock", "acquire", "release",
    "login", "logout", "signup", "subscribe", "unsubscribe", "close", "open", "start", "stop",
    "kill", "terminate", "restart", "schedule", "submit", "commit", "rollback", "flush",
    "archive", "restore", "link", "unlink", "attach", "detach", "merge", "split", "modify",
    "edit", "change", "transfer", "pay", "charge", "refund", "provision", "deploy", "build",
})
# Words of a guard: a call awaited first so that its exception stops what follows
# (`check_user_exists`, `ensure_admin`, `get_client_or_raise`). Overlapping it would run the
# rest anyway and let another exception win.
GUARD_WORDS: frozenset[str] = frozenset({
    "check", "ensure", "verify", "validate", "require", "assert", "authorize", "authorise",
    "authenticate", "raise", "guard", "enforce", "setup", "init", "initialize", "configure",
    "prepare", "bootstrap", "wait",
})
# A name ending in one of these gets a resource (`get_session`, `get_prisma_client`): set-up
# for what follows, cheap, and often a precondition; never worth overlapping.
RESOURCE_NOUNS: frozenset[str] = frozenset({
    "client", "session", "connection", "conn", "engine", "db", "database", "driver", "cursor",
    "transport", "socket", "lock", "semaphore",
})

# Django's async ORM spells writes with an `a` prefix (`asave`, `aupdate_or_create`).
ASYNC_PREFIXES: tuple[str, ...] = ("a",)

