"""Rewriting code: libcst codemods carried as ruff-style edits, and applying them safely.

libcst is imported by `fixes.context` and the codemods, which load only when a fix is computed
(`attach` and `apply` import them on first use): the checking path never does.
"""
