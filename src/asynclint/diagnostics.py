"""The values every part of asynclint exchanges: positions, edits, fixes, diagnostics.

Positions inside the engine are (row, col) with 1-based rows and 0-based columns counted in
Unicode code points of the decoded line. The doors convert to what their consumers expect
(ruff JSON: 1-based code points; flake8: UTF-8 bytes; LSP: UTF-16 units).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar

DOCS_URL = "https://asynclint.readthedocs.io/en/latest/rules/{code}/"


class Applicability(enum.Enum):
    """How freely a fix may be applied; spelled as ruff spells it in JSON."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "displayonly"


@dataclass(frozen=True, order=True)
class Location:
    row: int
    col: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between `start` and `end` (exclusive) with `content`."""

    content: str
    start: Location
    end: Location

    def overlaps(self, other: Edit) -> bool:
        if self == other:
            return True
        if self.start == self.end and other.start == other.end:
            return self.start == other.start
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class FixPlan:
    """What a rule decided while checking about the fix it offers, for building it later (only
    `--fix`, `--diff` and the formats that show edits build fixes, and they need libcst).

    Each rule declares its own frozen subclass beside it, holding what its fix needs (positions,
    names, choices); a plain `FixPlan()` offers a fix that needs nothing but the finding.
    A plan whose fix adds a point where the coroutine waits (`await`, `async with`) says so
    in `adds_await`: such a fix is only shown, not applied, in cleanup code.
    """

    adds_await: ClassVar[bool] = False


@dataclass(frozen=True)
class Diagnostic:
    """One finding. `fix_plan` is the rule's plan for computing its fix later; the result cache
    keeps only that a fix is offered (`offers_fix`), never the plan."""

    code: str
    name: str
    message: str
    path: str
    start: Location
    end: Location
    noqa_row: int
    fix_title: str | None = None
    applicability: Applicability | None = None
    fix: Fix | None = None
    fix_plan: FixPlan | None = field(default=None, compare=False)

    @property
    def url(self) -> str | None:
        if not self.code.startswith("ASL"):
            return None
        return DOCS_URL.format(code=self.code)

    @property
    def offers_fix(self) -> bool:
        """A fix is offered (its title and applicability are set), whether or not the plan to
        build it is at hand: a finding read from the result cache has none."""
        return self.applicability is not None

    @property
    def fixable(self) -> bool:
        return self.applicability is not None and self.applicability is not Applicability.DISPLAY_ONLY

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.row, self.start.col, self.code)


# Codes that are not rules: problems with the input itself. They are always reported, like
# ruff's E902 (io-error) and flake8's E999 (syntax-error).
IO_ERROR = ("E902", "io-error")
SYNTAX_ERROR = ("E999", "syntax-error")
