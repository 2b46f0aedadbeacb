"""The language-server door (`asynclint server`): live diagnostics, quick fixes, hover.

Nothing here is imported by `import asynclint` or `asynclint check`: pygls loads only when the
server starts (`asynclint.lsp.server`).
"""
