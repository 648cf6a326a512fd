"""Throughput of negotiated ensembles (a benchmark script, not a test).

Prints, for SCO-10 (2024) with the full negotiation protocol, the wall time and
negotiated decisions per second of a 100,000-replication ensemble for several
proposals, and the same for impartial voting without negotiation.

Run: ``.venv/bin/python benchmarks/bench_ensemble.py [--replications N] [--repeat K]``
"""

from __future__ import annotations

import argparse
import time

from sim.draws import Setting
from sim.ensemble import run_ensemble
from sim.evidence import load_evidence


def main() -> None:
    """Run the benchmark and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replications", "-R", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="take the best of this many runs")
    args = parser.parse_args()
    ev = load_evidence()
    stage = ev.stage("SCO-10")
    cases = [
        ("fta", "documents", True),
        ("development_bank", "documents", True),
        ("energy_club", "documents", True),
        ("fta", "impartial", False),
    ]
    size = f"{args.replications:,} replications, best of {args.repeat}"
    print(f"SCO-10 ({len(stage.members)} members, {stage.year}), {size}")
    for pid, prefs, negotiation in cases:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            res = run_ensemble(
                ev,
                Setting(stage.members, pid, stage.year),
                replications=args.replications,
                seed=1,
                preferences=prefs,
                negotiation=negotiation,  # type: ignore[arg-type]
            )
            best = min(best, time.perf_counter() - t0)
        label = f"{pid} ({prefs}, negotiation {'on' if negotiation else 'off'})"
        print(
            f"  {label:<45} {best:7.2f} s  {args.replications / best:12,.0f} decisions/s  pass rate {res.pass_rate:.3f}"
        )


if __name__ == "__main__":
    main()
