"""The catalog of blocking calls, as data: one line per function or `Type.method`.

Each entry names what blocks (a qualified function as users import it, or `Type.method` where
`Type` is a name the type inference produces, see `types.py`), its kind (which decides the
rule code), what it costs (`Cost`: a heavy call is worth moving off the loop, a metadata call
is one stat-like system call), what to use instead, and which fix the rules may offer. Methods are only matched when
the receiver's type is known; nothing here is matched by a bare method name.

Deliberately not catalogued (too often non-blocking, or not decidable from the code): methods of
`socket.socket` (asyncio code uses non-blocking sockets), `os.read`/`os.write` (pipes, non-blocking
fds), pure path computations (`os.path.join`, `abspath`, `Path.with_suffix`...), `Session.add` /
`Session.delete` / building a `Query` (no I/O until it is run), lazy constructors that do no I/O
(`httpx.Client()`, `requests.Session()`, `pymongo.MongoClient()`, `sqlalchemy.create_engine()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a call blocks on; the value is the rule code that reports it."""

    SLEEP = "ASL100"
    HTTP = "ASL101"
    DB = "ASL102"
    PROCESS = "ASL103"
    FILE = "ASL104"
    OTHER = "ASL105"
    CONFIGURED = "ASL107"


class Cost(Enum):
    """What a call costs the event loop: decides whether it is reported by default.

    HEAVY: network, database, subprocesses and their waits, sleeping, reading or writing file
    contents, walking or copying trees, archives, locks. METADATA: one stat-like system call
    on a path (`exists`, `stat`, `mkdir`, `unlink`, `os.path.*`): microseconds on a local disk,
    reported only by the opt-in ASL109 (it matters on network file systems).
    """

    HEAVY = "heavy"
    METADATA = "metadata"
    # Not a catalog entry's cost but a call's: a read-only read of a file named by a literal
    # configuration name (`semantic/config_files.py`), reported only by the opt-in ASL110.
    CONFIG = "config"


class FixKind(Enum):
    """The fix a finding may carry."""

    SLEEP = "sleep"  # `await asyncio.sleep(...)` (safe)
    THREAD = "thread"  # `await asyncio.to_thread(f, ...)` (unsafe: moves the call to a thread)
    THREAD_DISPLAY = "thread-display"  # shown, never applied: the receiver is not thread-safe
    NONE = "none"


@dataclass(frozen=True)
class ReadyCheck:
    """A method of the receiver that tells whether the call would return at once, and its
    answer then: `ReadyCheck("empty", False)` for a queue's `get` (`semantic.ready`)."""

    method: str
    ready_answer: bool


@dataclass(frozen=True)
class BlockingCall:
    name: str  # "requests.get" or "sqlalchemy.orm.Session.execute"
    kind: Kind
    instead: str  # the async replacement, for the message
    fix: FixKind
    # (keyword, position) of an argument that, when falsy (`False`, `0`), makes the call
    # non-blocking: `lock.acquire(blocking=False)`, `queue.get(False)`.
    nonblocking: tuple[str, int] | None = None
    # Blocks only when another thread can hold the receiver: not for a lock the coroutine
    # itself just created in a local variable.
    shared_only: bool = False
    cost: Cost = Cost.HEAVY
    # Flags that, named among the arguments, make the call return at once (`LOCK_NB`,
    # `LOCK_UN`).
    nonblocking_flags: tuple[str, ...] = ()
    # (keyword, position) of the argument without which the call does no I/O: a constructor
    # that connects only when given a host (`smtplib.SMTP("mail")`, not `smtplib.SMTP()`).
    blocks_with: tuple[str, int] | None = None
    # The Python version from which calling it does the I/O. Before it, the call returns a
    # generator that does the I/O as it is iterated (`Path.iterdir` before 3.13): under a
    # `sys.version_info` guard for those versions, only iterating it in place blocks.
    eager_since: tuple[int, int] | None = None
    # Returns at once when its receiver, a future, is done: not blocking where the coroutine
    # awaited the future's completion first (`semantic.futures.is_done`).
    waits_for_receiver: bool = False
    # Returns at once in a branch that runs only when this check of the receiver says so
    # (`if not queue.empty(): queue.get()`).
    ready_check: ReadyCheck | None = None


T, D, N = FixKind.THREAD, FixKind.THREAD_DISPLAY, FixKind.NONE


def _e(kind: Kind, name: str, instead: str, fix: FixKind = T,
       nonblocking: tuple[str, int] | None = None, shared_only: bool = False
       ) -> list[BlockingCall]:
    return [BlockingCall(name, kind, instead, fix, nonblocking, shared_only)]


def _each(kind: Kind, owner: str, names: str, instead: str, fix: FixKind = T) -> list[BlockingCall]:
    """Several functions of one module, or methods of one type, sharing their advice."""
    return [BlockingCall(f"{owner}.{n}", kind, instead, fix) for n in names.split()]


def _metadata(owner: str, names: str, instead: str) -> list[BlockingCall]:
    """File-system metadata calls of one module or type (`Cost.METADATA`, the opt-in ASL109)."""
    return [BlockingCall(f"{owner}.{n}", Kind.FILE, instead, T, cost=Cost.METADATA)
            for n in names.split()]


S, H, DB, P, F, OT = Kind.SLEEP, Kind.HTTP, Kind.DB, Kind.PROCESS, Kind.FILE, Kind.OTHER
_HTTP_VERBS = "get post put patch delete head options request"
_SA_ASYNC = "`AsyncSession` from `sqlalchemy.ext.asyncio`"
_SQL_CURSOR = "execute executemany fetchone fetchmany fetchall callproc"
_REDIS = (
    "get set setex setnx getset mget mset delete exists expire expireat ttl incr incrby decr "
    "decrby append keys scan hget hset hmget hmset hgetall hdel hexists hincrby hkeys hvals "
    "lpush rpush lpop rpop blpop brpop lrange llen lrem sadd srem smembers sismember scard "
    "zadd zrem zrange zrevrange zrangebyscore zscore zincrby zcard publish ping flushdb flushall "
    "eval evalsha xadd xread xreadgroup xack"
)
_MONGO = (
    "find find_one insert_one insert_many update_one update_many replace_one delete_one "
    "delete_many aggregate count_documents estimated_document_count distinct find_one_and_update "
    "find_one_and_replace find_one_and_delete bulk_write create_index create_indexes drop_index "
    "drop"
)

# Django manager / queryset methods that run a query (each has an `a`-prefixed async twin).
_DJANGO_QUERIES = (
    "get create get_or_create update_or_create bulk_create bulk_update count in_bulk exists "
    "contains first last earliest latest aggregate update delete explain iterator"
)
_ARCHIVE = "`asyncio.to_thread` (the archive is read, written and unpacked on the loop's thread)"
_AIOBOTO = "`aioboto3` / `aiobotocore`, or `asyncio.to_thread`"
_BOTO_CLIENT = (
    # S3
    "upload_file download_file upload_fileobj download_fileobj put_object get_object "
    "delete_object delete_objects head_object head_bucket copy_object list_objects "
    "list_objects_v2 list_buckets create_bucket delete_bucket create_multipart_upload "
    "upload_part complete_multipart_upload abort_multipart_upload "
    # Lambda, SQS, SNS, DynamoDB, SES, Secrets Manager, SSM, STS, Kinesis, Step Functions
    "invoke send_message send_message_batch receive_message delete_message publish "
    "get_item put_item update_item delete_item query scan batch_get_item batch_write_item "
    "send_email send_raw_email get_secret_value get_parameter get_parameters "
    "get_parameters_by_path put_parameter get_caller_identity assume_role put_record "
    "put_records start_execution "
    # Bedrock, Textract, Comprehend, Rekognition
    "invoke_model converse detect_document_text analyze_document detect_labels"
)
_BOTO_RESOURCE = (
    "upload_file download_file upload_fileobj download_fileobj put get delete load reload "
    "copy copy_from put_item get_item update_item delete_item query scan batch_get_item "
    "send_message send_messages receive_messages publish"
)
_OPENAI = "`openai.AsyncOpenAI` (`await client.chat.completions.create(...)`)"
_SLACK = (
    "api_call auth_test chat_postMessage chat_postEphemeral chat_update chat_delete "
    "chat_scheduleMessage conversations_list conversations_history conversations_info "
    "conversations_members conversations_replies conversations_open conversations_create "
    "conversations_join conversations_invite files_upload files_upload_v2 files_info "
    "reactions_add reactions_remove users_info users_list users_lookupByEmail views_open "
    "views_publish views_update views_push"
)
_STRIPE = (
    ("Customer", "create retrieve modify list delete search"),
    ("PaymentIntent", "create retrieve modify list confirm capture cancel search"),
    ("SetupIntent", "create retrieve modify confirm cancel"),
    ("PaymentMethod", "create retrieve modify list attach detach"),
    ("Charge", "create retrieve modify list capture search"),
    ("Refund", "create retrieve modify list cancel"),
    ("Subscription", "create retrieve modify list cancel delete search"),
    ("Invoice", "create retrieve modify list finalize_invoice pay send_invoice void_invoice "
                "upcoming"),
    ("Price", "create retrieve modify list search"),
    ("Product", "create retrieve modify list delete search"),
    ("Coupon", "create retrieve modify list delete"),
    ("Event", "retrieve list"),
    ("checkout.Session", "create retrieve list expire list_line_items"),
    ("billing_portal.Session", "create"),
    ("Account", "create retrieve modify list delete"),
    ("AccountLink", "create"),
    ("Transfer", "create retrieve modify list"),
)
_GCS = "`gcloud-aio-storage`, or `asyncio.to_thread`"
_AZURE_BLOB = "the clients of `azure.storage.blob.aio` (`await blob.upload_blob(...)`)"

CATALOG_ENTRIES: list[BlockingCall] = [
    # -- sleep ---------------------------------------------------------------------------------
    *_e(S, "time.sleep", "`await asyncio.sleep(...)`", FixKind.SLEEP),
    # -- HTTP ----------------------------------------------------------------------------------
    *_each(H, "requests", _HTTP_VERBS, "`httpx.AsyncClient` (or `aiohttp`)"),
    *_each(H, "requests.api", _HTTP_VERBS, "`httpx.AsyncClient` (or `aiohttp`)"),
    *_each(H, "requests.Session", f"{_HTTP_VERBS} send", "`httpx.AsyncClient` (or `aiohttp`)"),
    *_each(H, "httpx", f"{_HTTP_VERBS} stream", "`httpx.AsyncClient`"),
    *_each(H, "httpx.Client", f"{_HTTP_VERBS} send stream", "`httpx.AsyncClient`"),
    *_each(H, "urllib.request", "urlopen urlretrieve", "`httpx.AsyncClient` (or `aiohttp`)"),
    *_e(H, "urllib.request.OpenerDirector.open", "`httpx.AsyncClient` (or `aiohttp`)"),
    *_e(H, "urllib3.request", "`httpx.AsyncClient` (or `aiohttp`)"),
    *_each(H, "urllib3.PoolManager", "request urlopen request_encode_url request_encode_body",
           "`httpx.AsyncClient` (or `aiohttp`)"),
    *_each(H, "urllib3.HTTPConnectionPool", "request urlopen", "`httpx.AsyncClient`"),
    *_each(H, "urllib3.HTTPSConnectionPool", "request urlopen", "`httpx.AsyncClient`"),
    *_each(H, "http.client.HTTPConnection", "connect request getresponse", "`httpx.AsyncClient`"),
    *_each(H, "http.client.HTTPSConnection", "connect request getresponse", "`httpx.AsyncClient`"),
    # -- synchronous SDK clients: every listed method is a request ------------------------------
    *_each(H, "botocore.client.BaseClient", _BOTO_CLIENT, _AIOBOTO),
    *_each(H, "boto3.resources.base.ServiceResource", _BOTO_RESOURCE, _AIOBOTO),
    *_each(H, "openai.resources.chat.Completions", "create parse", _OPENAI),
    *_each(H, "openai.resources.Embeddings", "create", _OPENAI),
    *_each(H, "openai.resources.responses.Responses", "create retrieve", _OPENAI),
    *_each(H, "openai.resources.Moderations", "create", _OPENAI),
    *_each(H, "openai.resources.Images", "generate edit", _OPENAI),
    *_each(H, "openai.resources.audio.Transcriptions", "create", _OPENAI),
    *_each(H, "openai.resources.audio.Speech", "create", _OPENAI),
    *_each(H, "openai.chat.completions", "create", _OPENAI),  # the module-level client
    *_each(H, "openai.embeddings", "create", _OPENAI),
    *_each(H, "openai.ChatCompletion", "create", _OPENAI),  # openai < 1.0
    *_each(H, "openai.Completion", "create", _OPENAI),
    *_each(H, "openai.Embedding", "create", _OPENAI),
    *_each(H, "anthropic.resources.Messages", "create count_tokens",
           "`anthropic.AsyncAnthropic` (`await client.messages.create(...)`)"),
    *_each(H, "slack_sdk.WebClient", _SLACK, "`slack_sdk.web.async_client.AsyncWebClient`"),
    *[entry for owner, names in _STRIPE for entry in _each(
        H, f"stripe.{owner}", names, "the `_async` methods (`await stripe.Customer.create_async(...)`)")],
    *_each(H, "google.cloud.storage.Client", "get_bucket lookup_bucket create_bucket "
           "list_buckets list_blobs", _GCS),
    *_each(H, "google.cloud.storage.Bucket", "get_blob delete_blob copy_blob exists reload "
           "create delete", _GCS),
    *_each(H, "google.cloud.storage.Blob", "upload_from_filename upload_from_string "
           "upload_from_file download_to_filename download_to_file download_as_bytes "
           "download_as_string download_as_text delete exists reload", _GCS),
    *_each(H, "azure.storage.blob.BlobServiceClient", "create_container delete_container "
           "get_service_properties get_account_information", _AZURE_BLOB),
    *_each(H, "azure.storage.blob.ContainerClient", "create_container delete_container "
           "upload_blob download_blob delete_blob exists get_container_properties", _AZURE_BLOB),
    *_each(H, "azure.storage.blob.BlobClient", "upload_blob download_blob delete_blob exists "
           "get_blob_properties set_blob_metadata start_copy_from_url", _AZURE_BLOB),
    *_each(H, "azure.storage.blob.StorageStreamDownloader", "readall readinto content_as_bytes "
           "content_as_text", _AZURE_BLOB),
    # -- databases. Run in a worker thread, a call uses the connection or session from that
    # thread while the coroutine waits for it: sequential use, which the drivers and
    # SQLAlchemy allow (its SQLite file engines set `check_same_thread=False`). Raw sqlite3
    # connections refuse any thread but their creator's: their fix is only shown (D). ----
    *_e(DB, "sqlite3.connect", "`aiosqlite.connect`", D),
    *_each(DB, "sqlite3.Connection", "execute executemany executescript commit rollback backup",
           "`aiosqlite`", D),
    *_each(DB, "sqlite3.Cursor", "execute executemany executescript fetchone fetchmany fetchall",
           "`aiosqlite`", D),
    *_e(DB, "psycopg2.connect", "`psycopg.AsyncConnection` (or `asyncpg`)"),
    *_each(DB, "psycopg2.extensions.connection", "commit rollback", "`psycopg.AsyncConnection`"),
    *_each(DB, "psycopg2.extensions.cursor", f"{_SQL_CURSOR} copy_from copy_to copy_expert",
           "`psycopg.AsyncCursor`"),
    *_each(DB, "psycopg", "connect", "`psycopg.AsyncConnection.connect`"),
    *_each(DB, "psycopg.Connection", "connect execute commit rollback",
           "`psycopg.AsyncConnection`"),
    *_each(DB, "psycopg.Cursor", "execute executemany fetchone fetchmany fetchall",
           "`psycopg.AsyncCursor`"),
    *_e(DB, "pymysql.connect", "`aiomysql` (or `asyncmy`)"),
    *_each(DB, "pymysql.connections.Connection", "commit rollback ping select_db",
           "`aiomysql`"),
    *_each(DB, "pymysql.cursors.Cursor", _SQL_CURSOR, "`aiomysql`"),
    *_e(DB, "mysql.connector.connect", "`aiomysql` (or `asyncmy`)"),
    *_each(DB, "mysql.connector.connection.MySQLConnection", "commit rollback cmd_query",
           "`aiomysql`"),
    *_each(DB, "mysql.connector.cursor.MySQLCursor", _SQL_CURSOR, "`aiomysql`"),
    *_each(DB, "pymongo.collection.Collection", _MONGO, "`motor` / `pymongo.AsyncMongoClient`"),
    *_each(DB, "pymongo.MongoClient", "list_database_names server_info drop_database",
           "`pymongo.AsyncMongoClient`"),
    *_each(DB, "pymongo.database.Database", "list_collection_names command create_collection "
           "drop_collection", "`pymongo.AsyncMongoClient`"),
    *_each(DB, "redis.Redis", _REDIS, "`redis.asyncio.Redis`"),
    *_e(DB, "redis.client.Pipeline.execute", "`redis.asyncio` pipelines"),
    *_each(DB, "sqlalchemy.orm.Session",
           "execute scalar scalars get get_one commit flush refresh rollback merge exec "
           "bulk_save_objects bulk_insert_mappings bulk_update_mappings",
           _SA_ASYNC),
    *_each(DB, "sqlalchemy.orm.Query",
           "all first one one_or_none scalar count get delete update exists",
           f"`select()` with {_SA_ASYNC}"),
    *_each(DB, "sqlalchemy.Engine", "connect begin execute",
           "`create_async_engine` from `sqlalchemy.ext.asyncio`"),
    *_each(DB, "sqlalchemy.Connection", "execute exec_driver_sql scalar scalars commit rollback",
           "`AsyncConnection` from `sqlalchemy.ext.asyncio`"),
    # Django's sync ORM: inside `async def` it raises `SynchronousOnlyOperation` (or, with
    # DJANGO_ALLOW_ASYNC_UNSAFE, blocks); every query method has an `a`-prefixed async twin.
    # Matched only on a manager or queryset of a class known to derive from `Model`
    # (`Article.objects.get(...)`) and on instances of such a class (`article.save()`).
    *[BlockingCall(f"django.db.models.{owner}.{m}", DB,
                   f"`await ...a{m}(...)` (the async ORM method), or `sync_to_async`", D)
      for owner in ("Manager", "QuerySet") for m in _DJANGO_QUERIES.split()],
    *[BlockingCall(f"django.db.models.Model.{m}", DB,
                   f"`await obj.a{m}(...)` (the async ORM method), or `sync_to_async`", D)
      for m in ("save", "delete", "refresh_from_db")],
    # -- processes -----------------------------------------------------------------------------
    *_each(P, "subprocess", "run call check_call check_output getoutput getstatusoutput",
           "`asyncio.create_subprocess_exec`"),
    *_e(P, "subprocess.Popen", "`asyncio.create_subprocess_exec`"),
    *_each(P, "subprocess.Popen", "wait communicate", "`asyncio.create_subprocess_exec`"),
    *_e(P, "psutil.Process.wait", "`asyncio.create_subprocess_exec` (await `proc.wait()`), "
        "or `asyncio.to_thread`", T, ("timeout", 0)),
    *_e(P, "psutil.wait_procs", "`asyncio.to_thread`", T, ("timeout", 1)),
    *_each(P, "os", "system popen spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp "
           "spawnvpe posix_spawn posix_spawnp wait wait3 wait4 waitid waitpid",
           "`asyncio.create_subprocess_exec`"),
    # -- files ---------------------------------------------------------------------------------
    *_e(F, "builtins.open", "`anyio.open_file` / `aiofiles.open`, or `asyncio.to_thread`"),
    *_each(F, "io", "open open_code", "`anyio.open_file` / `aiofiles.open`"),
    *_e(F, "os.fdopen", "`anyio.open_file` / `aiofiles.open`"),
    *_each(F, "io.TextIOWrapper", "read readline readlines write writelines flush truncate",
           "`anyio.open_file` / `aiofiles.open`"),
    *_each(F, "io.BufferedReader", "read read1 readline readlines readinto",
           "`anyio.open_file` / `aiofiles.open`"),
    *_each(F, "io.BufferedWriter", "write writelines flush", "`anyio.open_file` / `aiofiles.open`"),
    *_each(F, "pathlib.Path", "open read_text read_bytes write_text write_bytes glob rglob",
           "`anyio.Path`, or `asyncio.to_thread`"),
    # No thread fix: before 3.13 `await asyncio.to_thread(path.iterdir)` would hand back the
    # generator, and the listing would still happen on the loop as it is iterated.
    BlockingCall("pathlib.Path.iterdir", F, "`anyio.Path(...).iterdir()`, or "
                 "`asyncio.to_thread(lambda: list(path.iterdir()))`", N, eager_since=(3, 13)),
    *_metadata("pathlib.Path", "exists is_file is_dir is_symlink stat lstat mkdir rmdir unlink "
               "touch rename replace resolve chmod samefile readlink symlink_to hardlink_to",
               "`anyio.Path`, or `asyncio.to_thread`"),
    *_each(F, "os", "listdir scandir walk sendfile",
           "`asyncio.to_thread`, or `anyio` / `aiofiles.os`"),
    *_metadata("os", "stat lstat remove unlink rename renames replace mkdir makedirs rmdir "
               "removedirs chmod chown link symlink readlink access utime truncate statvfs",
               "`asyncio.to_thread`, or `anyio` / `aiofiles.os`"),
    *_metadata("os.path", "exists lexists isfile isdir islink ismount getsize getmtime "
               "getatime getctime samefile realpath", "`anyio.Path`, or `asyncio.to_thread`"),
    *_each(F, "shutil", "copy copy2 copyfile copyfileobj copytree move rmtree make_archive "
           "unpack_archive", "`asyncio.to_thread`"),
    *_metadata("shutil", "copymode copystat disk_usage", "`asyncio.to_thread`"),
    *_e(F, "glob.glob", "`anyio.Path.glob`, or `asyncio.to_thread`"),
    *_each(F, "zipfile.ZipFile", "extractall extract write read", _ARCHIVE),
    *_each(F, "tarfile.TarFile", "extractall extract add", _ARCHIVE),
    *_e(F, "fsspec.open", "`asyncio.to_thread`, or the file system's async API "
        "(`asynchronous=True`, `await fs._cat(...)`)"),
    *_each(F, "fsspec.AbstractFileSystem", "open cat cat_file pipe put put_file get get_file "
           "rm copy", "`asyncio.to_thread`, or the file system's async API "
           "(`asynchronous=True`, `await fs._cat(...)`)"),
    # -- other: the console, DNS and other network protocols, thread synchronisation ----------
    *_e(OT, "builtins.input", "a worker thread (`await asyncio.to_thread(input, ...)`)"),
    *_each(OT, "socket", "getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getfqdn "
           "getnameinfo", "`await loop.getaddrinfo(...)` of the running loop"),
    *_e(OT, "socket.create_connection", "`asyncio.open_connection`"),
    *[BlockingCall(f"{module}.{cls}", OT, instead, T, blocks_with=("host", 0))
      for module, cls, instead in (("smtplib", "SMTP", "`aiosmtplib`"),
                                   ("smtplib", "SMTP_SSL", "`aiosmtplib`"),
                                   ("ftplib", "FTP", "`aioftp`"),
                                   ("ftplib", "FTP_TLS", "`aioftp`"))],
    *_each(OT, "smtplib.SMTP", "connect login starttls sendmail send_message quit",
           "`aiosmtplib`"),
    *_each(OT, "smtplib.SMTP_SSL", "connect login sendmail send_message quit", "`aiosmtplib`"),
    *_each(OT, "ftplib.FTP", "connect login retrbinary retrlines storbinary storlines",
           "`aioftp`"),
    *_e(OT, "threading.Lock.acquire", "`asyncio.Lock`", N, ("blocking", 0), True),
    *_e(OT, "threading.RLock.acquire", "`asyncio.Lock`", N, ("blocking", 0), True),
    *_e(OT, "threading.Semaphore.acquire", "`asyncio.Semaphore`", N, ("blocking", 0), True),
    *_e(OT, "threading.BoundedSemaphore.acquire", "`asyncio.Semaphore`", N, ("blocking", 0), True),
    *_e(OT, "threading.Event.wait", "`asyncio.Event`", N, None, True),
    *[BlockingCall(f"fcntl.{name}", OT, "`asyncio.to_thread` (the lock waits for its holder)", T,
                   nonblocking_flags=("LOCK_NB", "LOCK_UN")) for name in ("flock", "lockf")],
    *_e(OT, "threading.Thread.join", "`await asyncio.to_thread(thread.join)`"),
    *[BlockingCall(f"queue.{owner}.get", OT, "`asyncio.Queue` (or `janus`)", T, ("block", 0),
                   ready_check=ReadyCheck("empty", False))
      for owner in ("Queue", "SimpleQueue")],
    BlockingCall("concurrent.futures.Future.result", OT, "`await asyncio.wrap_future(future)`",
                 T, waits_for_receiver=True),
    *[entry for owner in ("Executor", "ThreadPoolExecutor", "ProcessPoolExecutor") for entry in _e(
        OT, f"concurrent.futures.{owner}.shutdown",
        "`shutdown(wait=False)`, or `await asyncio.to_thread(executor.shutdown)`", T, ("wait", 0))],
    *_each(OT, "paramiko.SSHClient", "connect exec_command", "`asyncssh`"),
    *_each(OT, "paramiko.SFTPClient", "get put getfo putfo listdir open", "`asyncssh` (SFTP)"),
    *_each(OT, "cv2.VideoCapture", "read grab", "`asyncio.to_thread` (a frame waits for the "
           "camera or stream)"),
]

CATALOG: dict[str, BlockingCall] = {entry.name: entry for entry in CATALOG_ENTRIES}

# Lazy results that run their query when iterated (a `for`, a comprehension, `list(qs)`...):
# type -> what to use instead. A Django `QuerySet` iterated inside `async def` raises
# `SynchronousOnlyOperation`.
EVALUATED_ON_ITERATION: dict[str, str] = {
    "django.db.models.QuerySet": "`async for` over the queryset (or `sync_to_async(list)(qs)`)",
}

# Library bases whose catalogued methods also match on instances of the project's subclasses
# (`article.save()` where `Article` derives from Django's `Model`, in the module or through the
# project index).
INHERITED_RECEIVERS = ("django.db.models.Model",)

# Builtins that iterate the iterable they are given to the end (or, `next`, one step) before
# they return: a lazy generator passed to one does its I/O right there.
_CONSUMERS = "list tuple set frozenset dict sorted next any all sum min max"
CONSUMING_CALLS = frozenset(f"builtins.{name}" for name in _CONSUMERS.split())

# Where `run_in_threadpool` comes from; a module importing one of these prefers it.
THREADPOOL_FUNCTIONS = frozenset({
    "starlette.concurrency.run_in_threadpool", "fastapi.concurrency.run_in_threadpool",
})
THREADPOOL_FRAMEWORKS = ("fastapi", "starlette")

# Calls that run the callable they are given in a worker thread: name -> the callable's
# position. The other arguments are handed to that callable, in the thread.
THREAD_RUNNERS: dict[str, int] = {
    "asyncio.to_thread": 0, "anyio.to_thread.run_sync": 0,
    "starlette.concurrency.run_in_threadpool": 0, "fastapi.concurrency.run_in_threadpool": 0,
    "asyncio.AbstractEventLoop.run_in_executor": 1,
}
# Calls that open a file and return it, doing no more I/O than the open itself: in
# `with open(p) as f:` whose every use of `f` runs in a thread (`await asyncio.to_thread(f.read)`),
# only this one syscall stays on the loop, a metadata cost (ASL109), not file I/O (ASL104).
FILE_OPENERS = frozenset({"builtins.open", "io.open", "pathlib.Path.open"})

# Reads of a file's contents that a configuration name can make cheap (`semantic/config_files.py`):
# name -> (position of the path, -1 for the receiver of a path method; position of the mode
# argument, None when the call only reads).
CONFIG_READERS: dict[str, tuple[int, int | None]] = {
    "builtins.open": (0, 1), "io.open": (0, 1), "pathlib.Path.open": (-1, 0),
    "pathlib.Path.read_text": (-1, None), "pathlib.Path.read_bytes": (-1, None),
}
# What a configuration file's name ends in (compared in lower case).
CONFIG_SUFFIXES = (".json", ".toml", ".yaml", ".yml", ".ini", ".cfg", ".conf", ".env")
# Calls that build a path whose last part is their last argument.
PATH_BUILDERS = frozenset({
    "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath",
    "os.path.join", "anyio.Path",
})

# Calls that start something the code then waits for with one of these methods of what they
# return: a start followed by such a wait on the loop is one finding, at the wait
# (`semantic.blocking.waited_later`).
WAITED_STARTS: dict[str, frozenset[str]] = {
    "subprocess.Popen": frozenset({"wait", "communicate"}),
}

# Decorators that are transparent: the decorated function's body runs when it is called.
TRANSPARENT_DECORATORS = frozenset({
    "functools.wraps", "builtins.staticmethod", "builtins.classmethod", "typing.overload",
    "typing_extensions.override", "typing.override",
})

# Memoising decorators: the body runs once per distinct arguments, then the call returns the
# remembered result without running it. A helper behind one is not followed into (ASL106 and
# ASL108): what it blocks on is paid once per process and argument set (a template or a
# config file loaded on first use), not on every request.
CACHING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})

# Route registrations of frameworks that run a plain `def` handler in a threadpool, as
# "Type.method" of the application/router type (ASL108 suggests a plain `def` only there).
THREADPOOL_ROUTE_DECORATORS = frozenset(
    f"{owner}.{verb}"
    for owner in ("fastapi.FastAPI", "fastapi.APIRouter")
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "trace",
                 "api_route")
)
