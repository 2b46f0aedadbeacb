"""Rewriting code: libcst codemods carried as ruff-style edits, and applying them safely.

Importing this package imports libcst; the checking path never does.
"""
