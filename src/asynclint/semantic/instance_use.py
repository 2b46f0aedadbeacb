"""Does calling this method of a project object only read through shared-safe clients it
holds? The question ASL400 asks of `await self.get(...)` and `await client.read_x(...)`, answered
from the `instance` fact (`semantic.instance_facts`) followed through the index.

Two such calls on one instance may overlap when neither method stores anything on it and every
object they reach through it is built for concurrent use (an `httpx.AsyncClient`): then the
calls share nothing that one could change under the other. The methods a method calls on its
instance are followed on the instance's own class (an override decides), the attributes'
types through the classes that hold them (`self.wallet.client`: `wallet` annotated in the class,
`client` assigned in the wallet class's `__init__`). Anything unknown answers None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asynclint.semantic import instance_facts
from asynclint.semantic.catalogs import concurrency, waits
from asynclint.semantic.suspension import Suspension

_MAX_DEPTH = 8  # methods followed through the instance; deeper answers None
# Methods of a shared client that end its use for everyone: never a read.
LIFECYCLE_METHODS = frozenset({"close", "aclose", "__aenter__", "__aexit__", "__enter__",
                               "__exit__"})


@dataclass(frozen=True)
class SharedClient:
    """An object a method reaches through its instance (`wallet.client`) and calls methods on."""

    path: str
    type: str


class InstanceUse:
    """Answers, for one module, which shared-safe clients a method reads through."""

    def __init__(self, suspension: Suspension, allowed: Iterable[str]) -> None:
        """`allowed`: the types safe to share (`ALLOW_SHARING` with the user's own)."""
        self.suspension = suspension
        self.allowed = frozenset(allowed)

    def reads_through(self, class_name: str, method: str) -> list[SharedClient] | None:
        """The clients `class_name.method` (and the methods of the instance it calls) reads
        through, when that is all it does with the instance; None otherwise."""
        found: dict[str, SharedClient] = {}
        if not self._follow(class_name, method, found, set()):
            return None
        return list(found.values())

    def _follow(self, class_name: str, method: str, found: dict[str, SharedClient],
                seen: set[str]) -> bool:
        if method in seen:
            return True
        if len(seen) >= _MAX_DEPTH:
            return False
        seen.add(method)
        fact = self.suspension.method_fact(class_name, method, instance_facts.FACT,
                                           instance_facts.project_fact)
        if not isinstance(fact, dict) or not isinstance(fact.get("clients"), list) \
                or not isinstance(fact.get("calls"), list):
            return False
        for entry in fact["clients"]:
            client = self._client(class_name, entry)
            if client is None:
                return False
            found[client.path] = client
        return all(isinstance(c, str) and self._follow(class_name, c, found, seen)
                   for c in fact["calls"])

    def _client(self, class_name: str, entry: object) -> SharedClient | None:
        """The client one `[path, types, method]` entry calls through, when it is safe to
        share and the method is one that may overlap."""
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], list)
                and isinstance(entry[1], list) and isinstance(entry[2], str)
                and len(entry[0]) == len(entry[1]) and entry[0]):
            return None
        path, types, method = entry
        kind: str | None = class_name
        for attr, given in zip(path, types, strict=True):
            if isinstance(given, str):
                kind = given
            elif kind is not None:
                kind = self.suspension.attribute_type(kind, str(attr))
            if kind is None:
                return None
        if kind not in self.allowed or method in LIFECYCLE_METHODS:
            return None
        # Every call through an HTTP client is a request, safe to overlap; through a pool or
        # a store only the reading methods are.
        if waits.WAITS.get(kind) != waits.NETWORK \
                and method not in concurrency.READ_METHODS.get(kind, frozenset()):
            return None
        return SharedClient(".".join(str(a) for a in path), kind)
