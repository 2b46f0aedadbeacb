"""What an awaited library API waits on, as data a contributor extends in one line.

The ASL4xx rules suggest overlapping awaits only where that saves time a user notices: two
requests to other services (hundreds of milliseconds each) gain from `gather`; two primary-key
lookups on a pooled database (well under a millisecond each) gain nothing worth a second pool
connection. `semantic.suspension` reads this table to give each awaited call a *kind*.

Keys are qualified as `semantic.resolve` / `semantic.type_of` give them (canonical names, see
`aliases.py`): a function (`asyncio.open_connection`), a method (`Type.method`), or a type — a
type stands for every awaited method of its instances and for what is reached through them
(`client.chat.completions.create()` on an `openai.AsyncOpenAI`), and, used in `async with`,
for entering it. A `Type.method` entry wins over its type's.
"""

from __future__ import annotations

# The kinds, cheapest first. A coroutine that may take several paths gets the costliest kind
# among them (`semantic.suspension.join`). UNKNOWN ranks just below NETWORK: an await the
# tables do not know may be a request to another service, so a coroutine that may do a
# database lookup or something unknown cannot be called "only a database lookup" — but one
# that may make a network request is known to (on that path) whatever else it does.
NONE = "none"  # runs to its end without waiting: a project `async def` that awaits nothing
SYNC = "sync"  # waits on another task of this program (a lock, an event, a queue)
TIMER = "timer"  # sleeps
FILE = "file"  # local files through a thread pool (aiofiles, anyio)
DATABASE = "database"  # a query or a key lookup on a database or store, usually pooled
PROCESS = "process"  # a child process
UNKNOWN = "unknown"  # an awaitable the tables do not know
NETWORK = "network"  # a request to another service over the network
ORDER: tuple[str, ...] = (NONE, SYNC, TIMER, FILE, DATABASE, PROCESS, UNKNOWN, NETWORK)


def _all(kind: str, names: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), kind)


WAITS: dict[str, str] = {
    # -- network: requests to other services ----------------------------------------------------
    **_all(NETWORK, "httpx.AsyncClient httpx.Response httpx.AsyncHTTPTransport"),
    **_all(NETWORK, "aiohttp.ClientSession aiohttp.ClientResponse aiohttp.request"),
    **_all(NETWORK, "aiohttp.ClientWebSocketResponse"),
    **_all(NETWORK, "asyncio.open_connection asyncio.open_unix_connection"),
    **_all(NETWORK, "asyncio.StreamReader asyncio.StreamWriter"),
    **_all(NETWORK, "anyio.connect_tcp anyio.connect_unix"),
    **_all(NETWORK, "websockets.connect websockets.asyncio.client.connect"),
    **_all(NETWORK, "websockets.ClientConnection websockets.WebSocketClientProtocol"),
    **_all(NETWORK, "websockets.asyncio.client.ClientConnection"),
    # async SDK clients (every awaited call through them is a request)
    **_all(NETWORK, "openai.AsyncOpenAI openai.AsyncAzureOpenAI anthropic.AsyncAnthropic"),
    **_all(NETWORK, "anthropic.AsyncAnthropicBedrock anthropic.AsyncAnthropicVertex"),
    **_all(NETWORK, "aioboto3.Session aiobotocore.session.AioSession"),
    **_all(NETWORK, "aiobotocore.client.AioBaseClient"),
    **_all(NETWORK, "elasticsearch.AsyncElasticsearch opensearchpy.AsyncOpenSearch"),
    **_all(NETWORK, "aiosmtplib.SMTP aiosmtplib.send"),
    **_all(NETWORK, "google.genai.client.AsyncClient"),
    # -- database: queries and key lookups ------------------------------------------------------
    **_all(DATABASE, "sqlalchemy.ext.asyncio.AsyncSession sqlalchemy.ext.asyncio.AsyncConnection"),
    **_all(DATABASE, "sqlalchemy.ext.asyncio.AsyncEngine sqlalchemy.ext.asyncio.AsyncTransaction"),
    **_all(DATABASE, "sqlalchemy.ext.asyncio.AsyncResult sqlalchemy.ext.asyncio.AsyncScalarResult"),
    **_all(DATABASE, "sqlalchemy.ext.asyncio.async_scoped_session"),
    **_all(DATABASE, "asyncpg.connect asyncpg.create_pool asyncpg.Connection asyncpg.Pool"),
    **_all(DATABASE, "asyncpg.connection.Connection asyncpg.pool.Pool"),
    **_all(DATABASE, "asyncpg.transaction.Transaction asyncpg.cursor.Cursor"),
    **_all(DATABASE, "databases.Database"),
    **_all(DATABASE, "aiosqlite.connect aiosqlite.Connection aiosqlite.Cursor"),
    **_all(DATABASE, "psycopg.AsyncConnection psycopg.AsyncCursor"),
    **_all(DATABASE, "aiomysql.Connection aiomysql.Cursor aiopg.Connection aiopg.Cursor"),
    # redis as a store: a key lookup on a pooled connection, sub-millisecond like a PK lookup
    **_all(DATABASE, "redis.asyncio.Redis redis.asyncio.client.Pipeline"),
    **_all(DATABASE, "motor.motor_asyncio.AsyncIOMotorClient"),
    **_all(DATABASE, "motor.motor_asyncio.AsyncIOMotorDatabase"),
    **_all(DATABASE, "motor.motor_asyncio.AsyncIOMotorCollection"),
    # -- process, file, timer, sync -------------------------------------------------------------
    **_all(PROCESS, "asyncio.create_subprocess_exec asyncio.create_subprocess_shell"),
    **_all(PROCESS, "asyncio.subprocess.Process anyio.run_process anyio.open_process"),
    **_all(FILE, "aiofiles.open anyio.open_file aiofiles.threadpool.AsyncFileIO"),
    **_all(FILE, "aiofiles.os.remove aiofiles.os.rename aiofiles.os.stat aiofiles.os.mkdir"),
    **_all(FILE, "aiofiles.os.makedirs aiofiles.os.listdir aiofiles.os.path.exists"),
    **_all(FILE, "aiofiles.os.path.isfile aiofiles.os.path.isdir aiofiles.os.unlink"),
    **_all(TIMER, "asyncio.sleep anyio.sleep anyio.sleep_until trio.sleep"),
    **_all(SYNC, "asyncio.Lock asyncio.Semaphore asyncio.BoundedSemaphore asyncio.Event"),
    **_all(SYNC, "asyncio.Condition asyncio.Barrier asyncio.Queue asyncio.PriorityQueue"),
    **_all(SYNC, "asyncio.LifoQueue anyio.Lock anyio.Semaphore anyio.Event anyio.Condition"),
}

# Base classes of ORM models whose class-level query methods are awaited
# (`await User.get(id=1)`, `await User.objects.get(pk=1)`): every such await is a query.
MODEL_BASES: dict[str, str] = {
    **_all(DATABASE, "tortoise.models.Model tortoise.Model ormar.Model ormar.models.Model"),
    **_all(DATABASE, "beanie.Document odmantic.Model"),
}

# Awaitables that wait on the awaitables they are handed: their kind is that of the arguments.
FORWARDING: frozenset[str] = frozenset({
    "asyncio.gather", "asyncio.wait_for", "asyncio.shield",
})
