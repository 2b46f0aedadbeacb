"""The engine: files to findings. `traversal` walks a module once for every rule, `analyze`
turns one module into findings, `run` checks files (result cache, fixes, worker processes);
beside them the result cache, the project index's store, `# noqa` and file discovery.

Import the submodule you need: this package imports nothing, so naming one of its modules
loads only that module and what it needs.
"""
