"""Rewriting code: libcst codemods carried as ruff-style edits, and applying them safely.

`context` gives a fix the libcst trees around a finding; `edits` holds the edit helpers the
codemods share; `codemods/` builds each kind of rewrite from a rule's plan (a rule's `fix()`
hands its `FixPlan` to one); `attach` asks the rules for their fixes; `apply` applies them.
libcst is imported by `fixes.context` and the codemods, which load only when a fix is computed
(`attach`, `apply` and the rules' `fix()` import them on first use): the checking path never does.
"""
