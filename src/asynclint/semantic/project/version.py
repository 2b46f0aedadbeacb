"""`SUMMARY_VERSION`, apart from `summaries` so that a run the result cache answers (which
checks the version of what its results depended on) need not load the summariser."""

# The version of what the index store keeps on disk: the summaries' JSON and the facts. Bump it
# when either changes (a field of `summaries`, a provider in `facts.FACT_PROVIDERS`), so cached summaries
# are rebuilt. 3: the `blocks` fact of ASL106; 4: facts kept apart, computed lazily;
# 5: providers listed explicitly (version 4 indexes may hold empty facts saved by a run that had
# no provider); 6: a module-level name defined by `@overload` stubs and one implementation is
# that implementation, no longer ambiguous; 7: modules in namespace packages named from the
# project's import root (their summaries hold the names their relative imports were resolved
# from); 8: class fields, model classes and module type aliases (concrete annotations), and the
# `params` fact of ASL202; 9: `FunctionSummary.wraps` (project decorators that make a function
# async) and a module's star imports and literal `__all__`; 10: the blocking fact's chain ends in
# the first heavy call (`Cost`); 11: facts stored per provider; 12: the `plain` fact of ASL208;
# 13: no blocking fact for a helper memoised with `functools.cache` / `lru_cache`.
# 14: module `TypeVar`s bound to concrete types among the aliases, and their bounds;
# 15: the `suspends` and `receiver` facts of ASL400/ASL401; 16: the `suspends` fact says what
# a coroutine waits on (`{"kind": ..., "calls": [...]}`, kinds of `catalogs/waits.py`);
# 17: the `blocks` fact keeps guarded alternatives, the signature and out-of-module call sites
# (argument-sensitive helper chains, `semantic/guards.py`); 18: `wraps` WRAPS_SAME and
# WRAPS_SAME_FACTORY (decorators whose signature keeps the function's result); 19: the
# `instance` fact (what a method does with `self`), `suspends` of a plain `def` that returns a
# call, `receiver` sees a parameter's uses in closures.
# 23: an `async def` stub declared to return an async iterator is of kind "unknown".
SUMMARY_VERSION = 23
