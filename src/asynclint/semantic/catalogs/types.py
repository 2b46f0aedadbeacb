"""What the type inference knows about library APIs, as data a contributor extends in one line.

Names are qualified as users import them (`sqlalchemy.orm.Session`); `aliases.py` maps other
spellings of the same class (its defining module, re-exports) onto that one name.
"""

from __future__ import annotations

# Callables (functions, or "Type.method") whose result type is known and is not simply the
# class being called. "Type.__call__" is calling an instance; "Type.__enter__" is what
# `with Type() as x` binds when it is not the instance itself.
# Django manager / queryset methods that return another (lazy) queryset.
_DJANGO_LAZY = (
    "all filter exclude order_by reverse distinct values values_list annotate alias "
    "select_related prefetch_related only defer using none union intersection difference "
    "select_for_update extra dates datetimes"
)

RETURNS: dict[str, str] = {
    # sqlite3
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "sqlite3.Cursor.execute": "sqlite3.Cursor",
    # psycopg2 / psycopg (sync)
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.Connection.execute": "psycopg.Cursor",
    "psycopg.AsyncConnection.cursor": "psycopg.AsyncCursor",
    # pymysql / mysql.connector
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "mysql.connector.connect": "mysql.connector.connection.MySQLConnection",
    "mysql.connector.connection.MySQLConnection.cursor": "mysql.connector.cursor.MySQLCursor",
    # pymongo
    "pymongo.MongoClient.get_database": "pymongo.database.Database",
    "pymongo.database.Database.get_collection": "pymongo.collection.Collection",
    # SQLAlchemy
    "sqlalchemy.create_engine": "sqlalchemy.Engine",
    "sqlalchemy.engine_from_config": "sqlalchemy.Engine",
    "sqlalchemy.Engine.connect": "sqlalchemy.Connection",
    "sqlalchemy.Engine.begin": "sqlalchemy.Connection",
    "sqlalchemy.orm.sessionmaker.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.sessionmaker.begin": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.AsyncEngine.connect": "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.AsyncEngine.begin": "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.async_sessionmaker.__call__": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.async_sessionmaker.begin": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.async_scoped_session.__call__": "sqlalchemy.ext.asyncio.AsyncSession",
    # lower-case classes: calling them constructs one
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.async_scoped_session": "sqlalchemy.ext.asyncio.async_scoped_session",
    # redis
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.pipeline": "redis.asyncio.client.Pipeline",
    # files
    "builtins.open": "io.TextIOWrapper",
    "io.open": "io.TextIOWrapper",
    "pathlib.Path.open": "io.TextIOWrapper",
    # asyncio
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.create_task": "asyncio.Task",
    "asyncio.ensure_future": "asyncio.Future",
    "asyncio.AbstractEventLoop.create_task": "asyncio.Task",
    # aiohttp
    "aiohttp.ClientSession.get": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.post": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.request": "aiohttp.ClientResponse",
    # -- ASL1xx (blocking calls): results needed to reach the catalogued receivers ----------
    "requests.session": "requests.Session",
    "sqlalchemy.orm.Session.query": "sqlalchemy.orm.Query",
    **{f"sqlalchemy.orm.Query.{m}": "sqlalchemy.orm.Query" for m in (
        "filter", "filter_by", "where", "order_by", "limit", "offset", "join", "outerjoin",
        "options", "group_by", "having", "distinct", "select_from", "with_entities")},
    "pymongo.MongoClient.__getitem__": "pymongo.database.Database",
    "pymongo.MongoClient.__getattr__": "pymongo.database.Database",
    "pymongo.database.Database.__getitem__": "pymongo.collection.Collection",
    "pymongo.database.Database.__getattr__": "pymongo.collection.Collection",
    "pathlib.Path.__truediv__": "pathlib.Path",
    "pathlib.Path.parent": "pathlib.Path",
    **{f"pathlib.Path.{m}": "pathlib.Path" for m in (
        "cwd", "home", "resolve", "absolute", "expanduser", "joinpath", "with_name",
        "with_suffix", "with_stem", "relative_to")},
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
    "concurrent.futures.Executor.submit": "concurrent.futures.Future",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "psycopg.Cursor.execute": "psycopg.Cursor",
    "psycopg2.extras.RealDictConnection.cursor": "psycopg2.extensions.cursor",
    "mysql.connector.connection_cext.CMySQLConnection.cursor": "mysql.connector.cursor.MySQLCursor",
    # archives
    "tarfile.open": "tarfile.TarFile",
    "tarfile.TarFile.open": "tarfile.TarFile",
    # boto3 / botocore: a factory called with the service name gives a client (or resource)
    # whose every API method is a request; sub-resources (`s3.Bucket(name)`) are lazy.
    "boto3.client": "botocore.client.BaseClient",
    "boto3.Session.client": "botocore.client.BaseClient",
    "botocore.session.get_session": "botocore.session.Session",
    "botocore.session.Session.create_client": "botocore.client.BaseClient",
    "boto3.resource": "boto3.resources.base.ServiceResource",
    "boto3.Session.resource": "boto3.resources.base.ServiceResource",
    **{f"boto3.resources.base.ServiceResource.{m}": "boto3.resources.base.ServiceResource"
       for m in ("Bucket", "Object", "ObjectSummary", "Table", "Queue", "Topic", "Instance")},
    # openai / anthropic (sync clients): requests go through sub-objects
    "openai.OpenAI.chat": "openai.resources.chat.Chat",
    "openai.resources.chat.Chat.completions": "openai.resources.chat.Completions",
    "openai.OpenAI.embeddings": "openai.resources.Embeddings",
    "openai.OpenAI.responses": "openai.resources.responses.Responses",
    "openai.OpenAI.moderations": "openai.resources.Moderations",
    "openai.OpenAI.images": "openai.resources.Images",
    "openai.OpenAI.audio": "openai.resources.audio.Audio",
    "openai.resources.audio.Audio.transcriptions": "openai.resources.audio.Transcriptions",
    "openai.resources.audio.Audio.speech": "openai.resources.audio.Speech",
    "anthropic.Anthropic.messages": "anthropic.resources.Messages",
    # google-cloud-storage: `bucket()` and `blob()` are lazy handles, `get_*` fetch
    "google.cloud.storage.Client.bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Client.get_bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Client.lookup_bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Bucket.blob": "google.cloud.storage.Blob",
    "google.cloud.storage.Bucket.get_blob": "google.cloud.storage.Blob",
    # Azure storage blob (sync clients; `azure.storage.blob.aio` is the async package)
    **{f"azure.storage.blob.{c}.from_connection_string": f"azure.storage.blob.{c}"
       for c in ("BlobServiceClient", "ContainerClient", "BlobClient")},
    "azure.storage.blob.BlobClient.from_blob_url": "azure.storage.blob.BlobClient",
    "azure.storage.blob.ContainerClient.from_container_url": "azure.storage.blob.ContainerClient",
    "azure.storage.blob.BlobServiceClient.get_container_client":
        "azure.storage.blob.ContainerClient",
    "azure.storage.blob.BlobServiceClient.get_blob_client": "azure.storage.blob.BlobClient",
    "azure.storage.blob.ContainerClient.get_blob_client": "azure.storage.blob.BlobClient",
    **{f"azure.storage.blob.{c}.download_blob": "azure.storage.blob.StorageStreamDownloader"
       for c in ("BlobClient", "ContainerClient")},
    # paramiko
    "paramiko.SSHClient.open_sftp": "paramiko.SFTPClient",
    "paramiko.SFTPClient.from_transport": "paramiko.SFTPClient",
    # fsspec
    "fsspec.filesystem": "fsspec.AbstractFileSystem",
    # argparse: sub-command parsers (whose `set_defaults(func=...)` names a command's handler)
    "argparse.ArgumentParser.add_subparsers": "argparse._SubParsersAction",
    "argparse._SubParsersAction.add_parser": "argparse.ArgumentParser",
    # Django's ORM: manager and queryset methods that build another queryset run no query
    **{f"django.db.models.{owner}.{m}": "django.db.models.QuerySet"
       for owner in ("Manager", "QuerySet") for m in _DJANGO_LAZY.split()},
}

# Class attributes a class inherits from a library base, by base: `Article.objects` of a class
# deriving from Django's `Model` is its default manager. Read only when the class is known to
# derive from that base (through the module's own classes and the project index).
CLASS_ATTRIBUTES: dict[str, dict[str, str]] = {
    "django.db.models.Model": {"objects": "django.db.models.Manager"},
}

# Calls that hand back their first argument (`closing(sqlite3.connect(p))`, and what
# `with closing(x) as c` binds, is that connection).
PASSTHROUGH_CALLS = frozenset({"contextlib.closing"})

# Wrappers whose first argument is the type a value really has.
TRANSPARENT_GENERICS = frozenset({
    "typing.Annotated", "typing_extensions.Annotated",
    "typing.Optional", "typing_extensions.Optional",
    "typing.Final", "typing_extensions.Final",
})
# Generators a dependency function yields its value through (`-> Iterator[Session]`).
YIELDING_GENERICS = frozenset({
    "typing.Iterator", "typing.Generator", "typing.AsyncIterator", "typing.AsyncGenerator",
    "collections.abc.Iterator", "collections.abc.Generator", "collections.abc.AsyncIterator",
    "collections.abc.AsyncGenerator", "typing.Iterable", "typing.AsyncIterable",
    "collections.abc.Iterable", "collections.abc.AsyncIterable",
    "contextlib.AbstractContextManager", "contextlib.AbstractAsyncContextManager",
    "typing.ContextManager", "typing.AsyncContextManager",
})
# Return annotations that say calling the function gives an async iterator: an `async def`
# stub so declared (an abstract method) stands for overrides that are mostly async generators.
ASYNC_ITERATOR_TYPES = frozenset({
    f"{module}.{name}" for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("AsyncIterator", "AsyncGenerator", "AsyncIterable")
})
# Containers whose iteration gives their first type argument (`for b in items` with
# `items: list[PageBuilder]`); a mapping's keys, `.values()` and `.items()` are told apart.
SEQUENCE_GENERICS = frozenset({
    "builtins.list", "builtins.set", "builtins.frozenset", "typing.List", "typing.Set",
    "typing.FrozenSet", "typing.Sequence", "typing.MutableSequence", "typing.Iterable",
    "typing.Iterator", "typing.Collection", "typing.AbstractSet", "typing.MutableSet",
    "collections.abc.Sequence", "collections.abc.MutableSequence", "collections.abc.Iterable",
    "collections.abc.Iterator", "collections.abc.Collection", "collections.abc.Set",
    "collections.abc.MutableSet", "collections.deque", "typing.Deque",
})
# Of those, the containers that hold their elements (a list, a set), not streams of them: what
# `append`/`add` put in is one of the declared elements.
COLLECTION_GENERICS = frozenset({
    "builtins.list", "builtins.set", "typing.List", "typing.Set", "typing.Sequence",
    "typing.MutableSequence", "typing.Collection", "typing.AbstractSet", "typing.MutableSet",
    "collections.abc.Sequence", "collections.abc.MutableSequence", "collections.abc.Collection",
    "collections.abc.Set", "collections.abc.MutableSet", "collections.deque", "typing.Deque",
})
MAPPING_GENERICS = frozenset({
    "builtins.dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping",
    "collections.abc.Mapping", "collections.abc.MutableMapping", "collections.OrderedDict",
    "collections.defaultdict", "typing.OrderedDict", "typing.DefaultDict",
})
# Bases that give a class no methods of their own: a lookup through a class's bases passes
# over them.
METHODLESS_BASES = frozenset({"builtins.object", "typing.Generic", "typing_extensions.Generic",
                              "abc.ABC"})
# Decorators that make a method read as an attribute (`self.bot` runs `def bot(self)`).
PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property"})
# Callables that mark a parameter as injected from a dependency function (FastAPI style).
DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security"})
# Library classes a coroutine object is never an instance of (nominal classes, no Protocols),
# for a parameter annotated with one when the package is not installed to be read
# (`semantic.concrete`): `apply_pagination(stmt: Select)` takes the statement, not a coroutine.
VALUE_CLASSES = frozenset({
    *(f"sqlalchemy{m}.{n}" for m in ("", ".sql", ".sql.expression")
      for n in ("Select", "Insert", "Update", "Delete")),
    "sqlalchemy.sql.selectable.Select", "sqlalchemy.future.Select",
    *(f"sqlalchemy.sql.dml.{n}" for n in ("Insert", "Update", "Delete")),
    "sqlalchemy.orm.Query", "sqlalchemy.Table", "sqlalchemy.Column", "sqlalchemy.MetaData",
    "sqlalchemy.ColumnElement", "sqlalchemy.sql.ColumnElement",
    "sqlalchemy.sql.elements.ColumnElement",
    "pydantic.BaseModel", "pydantic.main.BaseModel",
    "starlette.requests.Request", "fastapi.Request", "starlette.responses.Response",
    "fastapi.Response",
})
# Library methods' keyword parameters that take only plain values (`model.copy(exclude=...)`
# takes a set or a mapping of field names), for when the package is not installed to be read.
VALUE_KEYWORDS: dict[str, frozenset[str]] = {
    f"{model}.{method}": frozenset(keywords)
    for model in ("pydantic.BaseModel", "pydantic.main.BaseModel")
    for method, keywords in (
        ("copy", ("include", "exclude", "update")), ("dict", ("include", "exclude")),
        ("json", ("include", "exclude")), ("model_dump", ("include", "exclude")),
        ("model_dump_json", ("include", "exclude")), ("model_copy", ("update",)))
}
