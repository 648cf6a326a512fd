"""What the experiments share: command-line options, output directories and the expansion path.

The expansion path is SCO-6 → SCO-8 → SCO-9 → SCO-10 (the presets in
``seeds/stages.toml``), then the candidates in the evidence base added one at
a time in order of their standing with the SCO: the longest-serving observer
(Mongolia, observer since 2004), then the dialogue partners by the date they
became partners (Turkey 2013, Azerbaijan 2016, Egypt, Saudi Arabia and Qatar
2022, the UAE 2023), then Turkmenistan, a guest that has sought no status
(encyc2025 § Membership).  Afghanistan, an observer whose participation is
suspended, is left out.  Hypothetical stages use the profiles of 2026.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.evidence import Evidence
from sim.outputs import ExperimentOutput

__all__ = [
    "CANDIDATES",
    "CORE_STAGES",
    "FLAGSHIPS",
    "HYPOTHETICAL_YEAR",
    "expansion_stages",
    "options",
    "output",
]

FLAGSHIPS = ("fta", "development_bank", "energy_club")
"""The three economic flagships of the headline results."""

CORE_STAGES = ("SCO-6", "SCO-8", "SCO-9", "SCO-10")
CANDIDATES = ("mongolia", "turkey", "azerbaijan", "egypt", "saudi_arabia", "qatar", "uae", "turkmenistan")
"""Hypothetical entrants, in the order they are added."""
HYPOTHETICAL_YEAR = 2026


def expansion_stages(ev: Evidence, hypothetical: int = len(CANDIDATES)) -> list[dict[str, Any]]:
    """Scenario ``[[stages]]`` tables of the expansion path, with ``hypothetical`` candidates added after SCO-10."""
    stages: list[dict[str, Any]] = [{"preset": s} for s in CORE_STAGES]
    for k in range(hypothetical):
        added = list(CANDIDATES[: k + 1])
        stages.append(
            {
                "label": "+" + ev.members[CANDIDATES[k]].name,
                "preset": "SCO-10",
                "year": HYPOTHETICAL_YEAR,
                "add": added,
            }
        )
    return stages


def options(
    name: str, description: str, replications: int | None, seed: int = 2024, parallel: bool = True
) -> argparse.ArgumentParser:
    """Command-line options of an experiment.

    ``replications=None``: the experiment is sized by its own option;
    ``parallel=False``: it runs in one process and takes no ``--workers``.
    """
    parser = argparse.ArgumentParser(prog=f"scosim experiment {name}", description=description)
    parser.add_argument("--out", type=Path, default=Path("results") / "experiments" / name, help="output directory")
    if replications is not None:
        parser.add_argument(
            "--replications", "-R", type=int, default=replications, help=f"per cell (default {replications})"
        )
    parser.add_argument("--seed", type=int, default=seed, help=f"root seed (default {seed})")
    if parallel:
        parser.add_argument("--workers", "-j", type=int, default=1, help="local processes (results do not change)")
    return parser


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the options; small sizes are allowed (tests run every experiment tiny)."""
    args = parser.parse_args(argv)
    if getattr(args, "replications", 1) < 1:
        parser.error("--replications must be at least 1")
    return args


def output(name: str, out: Path) -> ExperimentOutput:
    """Open the experiment's output directory."""
    return ExperimentOutput(name, out)
