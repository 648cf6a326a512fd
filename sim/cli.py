"""The ``scosim`` command line.

Bad input never produces a traceback: every :class:`~sim.errors.InputError` is
printed as one line ``error: ...`` on stderr and the command exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console, RenderableType

from sim import tables
from sim.errors import InputError, did_you_mean
from sim.evidence import Evidence, load_evidence

__all__ = ["main"]

_LISTS: dict[str, Callable[[Evidence], list[RenderableType]]] = {
    "members": tables.members_table,
    "proposals": tables.proposals_table,
    "events": tables.events_table,
    "stages": tables.stages_table,
    "sources": tables.sources_table,
}


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors exit with status 2 and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def _build_parser() -> argparse.ArgumentParser:
    # The same options are accepted before and after the subcommand; argparse
    # keeps them apart (``*_top``) and :func:`main` merges them.
    common = _Parser(add_help=False)
    common.add_argument("--seeds", type=Path, default=None, help="evidence directory (default: the bundled seeds/)")
    common.add_argument("--width", type=int, default=None, help="output width in characters (default: terminal)")
    parser = _Parser(
        prog="scosim",
        description="Consensus decision-making in the Shanghai Cooperation Organisation.",
    )
    parser.add_argument("--seeds", dest="seeds_top", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--width", dest="width_top", type=int, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("summary", help="summarise the evidence base", parents=[common])
    sub.add_parser("check", help="validate the evidence base and report problems", parents=[common])

    p_list = sub.add_parser("list", help="list members, proposals, events, stages or sources", parents=[common])
    p_list.add_argument("what", help="one of: " + ", ".join(_LISTS))

    p_show = sub.add_parser(
        "show", help="show a member, proposal or event in full, with ranges and citations", parents=[common]
    )
    p_show.add_argument("kind", help="member, proposal or event")
    p_show.add_argument("name", help="id or name (case-insensitive for members)")
    p_show.add_argument("--year", type=int, default=None, help="member profile as it stood in this year")
    return parser


def _run(args: argparse.Namespace, out: Console) -> int:
    ev = load_evidence(args.seeds)
    parts: list[RenderableType]
    if args.command == "summary":
        parts = tables.evidence_summary(ev)
    elif args.command == "check":
        n = sum(1 for _ in ev.iter_estimates())
        parts = [
            f"evidence OK: {len(ev.members)} states, {len(ev.proposals)} proposals, "
            f"{len(ev.events)} events, {n} estimates, all cited or marked not documented"
        ]
    elif args.command == "list":
        if args.what not in _LISTS:
            raise InputError(None, None, "list", f"unknown list {args.what!r}: {did_you_mean(args.what, _LISTS)}")
        parts = _LISTS[args.what](ev)
    else:
        kind = args.kind.lower()
        if kind == "member":
            parts = tables.member_detail(ev, args.name, args.year)
        elif kind == "proposal":
            parts = tables.proposal_detail(ev, args.name)
        elif kind == "event":
            parts = tables.event_detail(ev, args.name)
        else:
            raise InputError(
                None, None, "show", f"unknown kind {kind!r}: {did_you_mean(kind, ['member', 'proposal', 'event'])}"
            )
    for part in parts:
        out.print(part)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scosim`` console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    args.seeds = args.seeds or args.seeds_top
    args.width = args.width or args.width_top
    out = Console(width=args.width, soft_wrap=False)
    try:
        return _run(args, out)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
