"""The project index: what every module of the project defines, read with `ast`, never imported.

A rule checking `app/api.py` that sees `from app.services import fetch_user` asks the index what
`app.services.fetch_user` is. Modules are found the way Python finds them — on demand, from the
module's dotted name — under the file's import root (the folder above its top-level package),
the project root (nearest pyproject.toml / setup.cfg / setup.py / .git) and `<root>/src`.
Resolution never depends on which files are being checked, so a file checked alone (pre-commit,
the editor, flake8) gets exactly the findings it gets in a whole-project run.

- `summaries`: each module reduced to a small `ModuleSummary` (top-level functions and classes
  with their async-ness, decorators, return annotation, bases, methods; module-level imports for
  re-exports); `version`: `SUMMARY_VERSION`, the version of what is cached on disk.
- `facts`: the per-function facts (`FunctionSummary.fact(provider)`, JSON-able values) as one
  explicit table of providers, `FACT_PROVIDERS`.
- `view`: the index as one checked file sees it (`ProjectView`).
- `lookups`: where a file's imports are looked for (`search_roots`), the store summaries come
  from (`IndexStore`), and whether a cached result's lookups still hold (`deps_valid`).

Summaries are cached on disk by file (stat, then content digest), so a re-run parses only files
that changed: that store is the engine's (`engine.index_store`); semantic sees it only as an
`IndexStore`. A checked file's result-cache entry stores the lookups its analysis made
(`ProjectView.deps`: module name -> file -> summary digest); the entry is reused only while every
lookup still gives the same answer (`deps_valid`). Editing a function body elsewhere does not
change any summary, so it invalidates nothing; making a function `async`, adding a module that
shadows an import, or deleting one does.

Facts are computed per module and per provider on first use, not with the summary: they cost a
resolution of every call of every function (most of the index's time), and only a module whose
functions a coroutine actually calls needs them, usually for one family. A result that read a
module's facts records them as a dependency of their own (`<module>#facts:<provider>`), so
editing a helper's body invalidates the files that consulted its facts, and no others.

Nothing is re-exported here: import from the submodule that defines a name.
"""
