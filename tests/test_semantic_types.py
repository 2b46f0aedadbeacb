"""Light type inference: each case writes `reveal(expr)` where the type is asked, in the scope
a rule would ask from, and checks the qualified type (or None: unknown stays unknown)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.engine.traversal import walk
from asynclint.rules.base import Rule, RuleContext
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile


class _Reveal(Rule):
    """Not registered: records the type of the argument of every `reveal(...)` call."""

    code = "ASL999"

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__(ctx)
        self.found: list[str | None] = []

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "reveal":
            self.found.append(self.semantic.type_of(node.args[0]))


def reveal(code: str, module: str | None = "app.main") -> list[str | None]:
    text = textwrap.dedent(code)
    tree = ast.parse(text)
    model = SemanticModel(tree, module)
    ctx = RuleContext("t.py", SourceFile.from_bytes(text.encode()), tree, model,
                      Settings(root=Path(".")))
    probe = _Reveal(ctx)
    walk(tree, model, [probe])
    return probe.found


CASES = {
    "parameter annotations, Optional, X | None, strings": (
        """
        from typing import Optional
        import httpx
        from sqlalchemy.orm import Session
        async def f(a: httpx.Client, b: Optional[Session], c: "Session | None", d: Session | int):
            reveal(a); reveal(b); reveal(c); reveal(d)
        """,
        ["httpx.Client", "sqlalchemy.orm.Session", "sqlalchemy.orm.Session", None],
    ),
    "Annotated with Depends, and a module-level alias of it": (
        """
        from typing import Annotated
        from fastapi import Depends
        from sqlmodel import Session
        SessionDep = Annotated[Session, Depends(get_session)]
        async def f(a: Annotated[Session, Depends(get_session)], b: SessionDep):
            reveal(a); reveal(b)
        """,
        ["sqlalchemy.orm.Session", "sqlalchemy.orm.Session"],
    ),
    "Depends(get_db) with a yielding return annotation": (
        """
        from collections.abc import Iterator
        from fastapi import Depends
        from sqlalchemy.orm import Session
        def get_db() -> Iterator[Session]:
            yield Session()
        async def route(db=Depends(get_db)):
            reveal(db)
        """,
        ["sqlalchemy.orm.Session"],
    ),
    "constructors, factories and the sqlite3 cursor": (
        """
        import sqlite3, httpx
        from pathlib import Path
        async def f():
            conn = sqlite3.connect("x")
            cur = conn.cursor()
            c = httpx.Client()
            p = Path("a")
            reveal(conn); reveal(cur); reveal(c); reveal(p); reveal(p / "b"); reveal(p.parent)
        """,
        ["sqlite3.Connection", "sqlite3.Cursor", "httpx.Client", "pathlib.Path",
         "pathlib.Path", "pathlib.Path"],
    ),
    "sessionmaker products, with and async with": (
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.ext.asyncio import async_sessionmaker
        engine = create_engine("sqlite://")
        SessionLocal = sessionmaker(bind=engine)
        AsyncLocal = async_sessionmaker()
        async def f():
            db = SessionLocal()
            with SessionLocal() as s:
                reveal(s)
            with engine.connect() as conn:
                reveal(conn)
            async with AsyncLocal() as a:
                reveal(a)
            reveal(db)
        """,
        ["sqlalchemy.orm.Session", "sqlalchemy.Connection",
         "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.orm.Session"],
    ),
    "self.x from a typed __init__ parameter, a constructor, and the class body": (
        """
        import httpx
        from sqlalchemy.orm import Session
        class Repo:
            shared = httpx.Client()
            def __init__(self, session: Session, other) -> None:
                self.session = session
                self.client = httpx.Client()
                self.other = other
            async def get(self):
                reveal(self.session); reveal(self.client); reveal(self.shared); reveal(self.other)
        """,
        ["sqlalchemy.orm.Session", "httpx.Client", "httpx.Client", None],
    ),
    "pymongo subscripts and attributes": (
        """
        from pymongo import MongoClient
        client = MongoClient()
        async def f():
            reveal(client["shop"]); reveal(client["shop"]["orders"]); reveal(client.shop.orders)
        """,
        ["pymongo.database.Database", "pymongo.collection.Collection",
         "pymongo.collection.Collection"],
    ),
    "imports under TYPE_CHECKING count for annotations": (
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from sqlalchemy.orm import Session
        async def f(db: "Session", other: "Session | None" = None):
            reveal(db); reveal(other)
        """,
        ["sqlalchemy.orm.Session", "sqlalchemy.orm.Session"],
    ),
    "never guessed from names; assigned two ways is unknown": (
        """
        import httpx
        async def f(session, db, flag: bool):
            c = httpx.Client() if flag else None
            d = httpx.Client()
            d = object()
            reveal(session); reveal(db); reveal(c); reveal(d)
        """,
        [None, None, None, None],
    ),
    "a query chain keeps its type; a result does not": (
        """
        from sqlalchemy.orm import Session
        async def f(db: Session):
            reveal(db.query(User).filter(User.id == 1)); reveal(db.execute(q))
        """,
        ["sqlalchemy.orm.Query", None],
    ),
    "module path attribute chains and binary operators": (
        """
        from pathlib import Path
        TEMPLATES = Path(__file__).parent / "templates"
        async def f():
            reveal(TEMPLATES); reveal(TEMPLATES / "x.html")
        """,
        ["pathlib.Path", "pathlib.Path"],
    ),
    "properties and methods typed by their annotation or what every return gives": (
        """
        import httpx
        class Bot:
            @classmethod
            def current(cls) -> "Bot": ...
        class Handler:
            @property
            def bot(self):
                return Bot.current()
            @property
            def client(self):
                if self.flag:
                    return httpx.AsyncClient()
                return None
            @property
            def either(self):
                if self.flag:
                    return Bot()
                return httpx.AsyncClient()
            def make(self):
                return Bot()
            def typed(self) -> httpx.Client: ...
            async def f(self):
                reveal(self.bot); reveal(self.client); reveal(self.either)
                reveal(self.make()); reveal(self.typed())
        """,
        ["app.main.Bot", "httpx.AsyncClient", None, "app.main.Bot", "httpx.Client"],
    ),
    "loop variables over annotated containers": (
        """
        from collections.abc import Mapping, Sequence
        from pathlib import Path
        class C:
            pages: list[Path]
            def run(self, by_name: dict[str, Path], seq: Sequence[Path], m: Mapping[Path, int],
                    untyped, pairs: list[tuple[str, Path]]):
                for a in seq:
                    reveal(a)
                for k, v in by_name.items():
                    reveal(k); reveal(v)
                for v2 in by_name.values():
                    reveal(v2)
                for k2 in m:
                    reveal(k2)
                for p in self.pages:
                    reveal(p)
                for u in untyped:
                    reveal(u)
                for name, path in pairs:
                    reveal(path)
        """,
        ["pathlib.Path", "builtins.str", "pathlib.Path", "pathlib.Path", "pathlib.Path",
         "pathlib.Path", None, None],
    ),
    "awaited results of annotated coroutines of this module": (
        """
        import functools
        from pathlib import Path
        async def get_path() -> Path: ...
        @functools.lru_cache
        async def cached() -> Path: ...
        def sync() -> Path: ...
        class C:
            async def folder(self) -> Path: ...
            async def f(self):
                a = await get_path()
                b = await cached()
                c = await self.folder()
                reveal(a); reveal(b); reveal(c)
        """,
        ["pathlib.Path", None, "pathlib.Path"],
    ),
    "awaited results of super() along single inheritance": (
        """
        from typing import Generic, TypeVar
        from pathlib import Path
        T = TypeVar("T")
        class Base:
            async def folder(self) -> Path: ...
            async def name(self) -> str: ...
        class Middle(Base):
            async def name(self): ...
        class Leaf(Middle, Generic[T]):
            async def folder(self) -> Path:
                a = await super().folder()
                b = await super(Leaf, self).folder()
                c = await super().name()
                reveal(a); reveal(b); reveal(c)
        class Other:
            async def folder(self) -> Path: ...
        class Mixed(Base, Other):
            async def folder(self) -> Path:
                d = await super().folder()
                reveal(d)
        from abc import ABC
        class Abstract(Base, ABC):
            async def folder(self) -> Path:
                e = await super().folder()
                reveal(e)
        """,
        # Middle.name is unannotated: the line stops there; two bases: the MRO is not followed
        # (abc.ABC, like Generic, adds no method: one base is left).
        ["pathlib.Path", "pathlib.Path", None, None, "pathlib.Path"],
    ),
    "contextlib.closing hands back its argument's type, also through `with ... as`": (
        """
        import sqlite3
        from contextlib import closing
        async def f(path, conn: sqlite3.Connection, other):
            reveal(closing(sqlite3.connect(path)))
            with closing(conn) as c:
                reveal(c)
            with closing(other) as o:
                reveal(o)
            reveal(closing())
        """,
        ["sqlite3.Connection", "sqlite3.Connection", None, None],
    ),
    "a factory called with a service name (boto3.client, Session().client, resources)": (
        """
        import boto3
        s3 = boto3.client("s3")
        async def f():
            reveal(s3)
            reveal(boto3.Session().client("sqs"))
            reveal(boto3.resource("dynamodb").Table("users"))
            reveal(boto3.resource("s3").Bucket("b").Object("k"))
        """,
        ["botocore.client.BaseClient", "botocore.client.BaseClient",
         "boto3.resources.base.ServiceResource", "boto3.resources.base.ServiceResource"],
    ),
    "attribute chains typed through the sub-objects of SDK clients": (
        """
        from openai import OpenAI, AsyncOpenAI
        import anthropic
        from google.cloud import storage
        client = OpenAI()
        async def f(a: AsyncOpenAI, gcs: storage.Client):
            reveal(client.chat.completions)
            reveal(client.embeddings)
            reveal(anthropic.Anthropic().messages)
            reveal(a.chat.completions)
            reveal(gcs.bucket("b").blob("k"))
            reveal(client.models)
        """,
        ["openai.resources.chat.Completions", "openai.resources.Embeddings",
         "anthropic.resources.Messages", None, "google.cloud.storage.Blob", None],
    ),
    "archives: tarfile.open gives a TarFile, ZipFile constructs one": (
        """
        import tarfile, zipfile
        async def f(p):
            reveal(tarfile.open(p))
            with zipfile.ZipFile(p) as z:
                reveal(z)
        """,
        ["tarfile.TarFile", "zipfile.ZipFile"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_type_of(name: str) -> None:
    code, expected = CASES[name]
    assert reveal(code) == expected


def test_alias_bound_twice_is_unknown() -> None:
    code = """
    from typing import Annotated
    from sqlalchemy.orm import Session
    Dep = Annotated[Session, 1]
    Dep = int
    async def f(a: Dep):
        reveal(a)
    """
    assert reveal(code) == [None]


def test_awaited_results_of_the_project_come_from_the_model_hook() -> None:
    code = textwrap.dedent("""
        from app.conf import get_path, other
        async def f():
            a = await get_path()
            b = await other()
            reveal(a); reveal(b)
    """)
    tree = ast.parse(code)
    asked: list[str] = []

    def awaited(qualified: str) -> str | None:
        asked.append(qualified)
        return "pathlib.Path" if qualified == "app.conf.get_path" else None

    model = SemanticModel(tree, "app.main", awaited=awaited)
    ctx = RuleContext("t.py", SourceFile.from_bytes(code.encode()), tree, model,
                      Settings(root=Path(".")))
    probe = _Reveal(ctx)
    walk(tree, model, [probe])
    assert probe.found == ["pathlib.Path", None]
    assert asked == ["app.conf.get_path", "app.conf.other"]


def test_class_attributes_of_library_bases() -> None:
    """`Article.objects` is a Django manager only when `Article` is known to derive from
    `Model` (here through a class of the module); manager and queryset methods that build a
    queryset keep the type, and a class that is not a model has no such attribute."""
    found = reveal(
        """
        from django.db import models
        from elsewhere import Unknown

        class Base(models.Model):
            pass

        class Article(Base):
            pass

        class Plain:
            objects = []

        class Mystery(Unknown):
            pass

        reveal(Article.objects)
        reveal(Article.objects.filter(x=1).order_by("y"))
        reveal(Article.objects.get(pk=1))
        reveal(Plain.objects)
        reveal(Mystery.objects)
        """
    )
    assert found == ["django.db.models.Manager", "django.db.models.QuerySet", None, None, None]


@pytest.mark.parametrize(("code", "expected"), [
    ("rows: list[Row] = []", "Row"),
    ("rows: Optional[Set['Row']] = None", "Row"),
    ("rows: Sequence[int] = ()", "int"),
    ("rows: Iterator[Row] = iter([])", None),  # a stream, not a container
    ("rows: dict[str, Row] = {}", None),
    ("rows: list = []", None),
    ("rows = []", None),
])
def test_element_annotation(code: str, expected: str | None) -> None:
    """The declared element type of a list- or set-like container (what `append` puts in)."""
    tree = ast.parse("from typing import Iterator, Optional, Sequence, Set\n"
                     f"def f():\n    {code}\n    rows\n")
    model = SemanticModel(tree, "m", False)
    function = tree.body[1]
    assert isinstance(function, ast.FunctionDef)
    load = function.body[1].value  # type: ignore[attr-defined]
    model.push_scope(function)
    found = model.types.element_annotation(load, model.scope)
    assert (ast.unparse(found).strip("'") if found is not None else None) == expected
