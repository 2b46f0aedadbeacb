"""`python -m asynclint` runs the command line."""

import sys

from asynclint.cli import entry

if __name__ == "__main__":
    sys.exit(entry())
