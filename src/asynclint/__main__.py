"""`python -m asynclint` runs the command line."""

import sys

from asynclint.cli import main

if __name__ == "__main__":
    sys.exit(main())
