"""Exceptions raised by scosim for bad input.

Every user-facing failure is an :class:`InputError` carrying the file, the entry
and the field at fault, so that the command-line interface can print one clear
line (``error: FILE: ENTRY: FIELD: message``) and exit with status 2 instead of a
traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class InputError(Exception):
    """Invalid input data: the file, entry and field at fault, and why.

    Parameters
    ----------
    file
        The file that holds the bad value (``None`` when not file-bound).
    entry
        The entry inside the file (a member, proposal or event id), or ``None``.
    field
        The dotted path of the field inside the entry, or ``None``.
    message
        What is wrong and, where possible, what is allowed.
    """

    def __init__(
        self,
        file: str | Path | None,
        entry: str | None,
        field: str | None,
        message: str,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.entry = entry
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.entry, self.field) if p]
        return ": ".join([*parts, self.message])


class EvidenceError(InputError):
    """The evidence base in ``seeds/`` is inconsistent or malformed."""


class UnknownNameError(InputError):
    """A name (member, proposal, event...) that does not exist, with close matches."""


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates that resemble ``name`` (case-insensitive)."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[h] for h in hits]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Phrase a hint listing the closest matches to ``name``, or the allowed values."""
    pool = sorted(set(candidates))
    hits = closest(name, pool)
    if hits:
        return "did you mean " + " or ".join(repr(h) for h in hits) + "?"
    shown = ", ".join(pool[:12]) + (", ..." if len(pool) > 12 else "")
    return f"allowed: {shown}"
