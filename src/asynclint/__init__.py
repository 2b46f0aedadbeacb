"""asynclint: finds and fixes async misuse in Python code.

Importing this package must stay cheap: no libcst, no pygls (see tests/test_startup.py).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
