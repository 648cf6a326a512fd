"""Throughput benchmark: negotiated decisions per second, against the floor and against ``mesa.batch_run``.

For SCO-10 (2024) deciding the FTA with the full negotiation protocol it
prints:

- negotiated decisions per second on one core for 10^4, 10^5, 10^6 and 10^7
  replications (up to ``--max-replications``);
- the *floor*: the rate at which numpy merely draws the uniform variates those
  replications consume, from the same generators (one per chunk, seeded by
  spawn key) in the same amounts.  No design that draws every parameter of
  every replication can beat it;
- the *draws*: the rate of :func:`sim.draws.draw` alone (uniforms, inverse-CDF
  transform, storage), that is, of this model with a negotiation that costs
  nothing.  Its ratio to the floor, the *ceiling*, bounds the floor ratio that
  any negotiation can reach on top of these draws;
- the same decision the idiomatic Mesa way: one small model per replication
  (``SummitModel`` with ``R = 1``, the same semantics) through
  :func:`mesa.batch_run`, and the ratio between the two;
- how throughput scales with the number of members (10, 20, 50; members beyond
  SCO-10 are copies of profiles drawn from the evidence base);
- the peak resident memory of the process.

The last line reads
``throughput: X decisions/s  floor_ratio: F  ratio_vs_batch_run: Y  peak_mib: Z``.

Run ``scosim bench [--max-replications N]`` or ``python -m sim.bench``.
Timings are the best of ``--repeat`` runs (the first run of a size includes
warm-up).  This is a benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Sequence

import mesa
import numpy as np

from sim.constants import ModelConstants
from sim.draws import Setting, draw, parameter_names
from sim.ensemble import BATCH_CHUNKS, CHUNK_SIZE, chunk_sizes, run_ensemble
from sim.evidence import Evidence, load_evidence
from sim.model import SummitModel, package_pool
from sim.synthetic import synthetic_members

__all__ = ["batch_run_rate", "draw_rate", "ensemble_rate", "floor_rate", "main"]

SIZES = (10**4, 10**5, 10**6, 10**7)
PROPOSAL = "fta"


def _best(repeat: int, call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def ensemble_rate(ev: Evidence, setting: Setting, replications: int, repeat: int, seed: int = 1) -> float:
    """Negotiated decisions per second of one ensemble."""
    return replications / _best(repeat, lambda: run_ensemble(ev, setting, replications=replications, seed=seed))


def floor_rate(ev: Evidence, setting: Setting, replications: int, repeat: int, seed: int = 1) -> float:
    """Replications per second at which numpy only draws the uniforms they consume (same generators, same count)."""
    n_params = len(parameter_names(ev, setting, ModelConstants(), package_pool(ev, setting)))
    sizes = chunk_sizes(replications, CHUNK_SIZE)

    def draw_only() -> None:
        for seq, size in zip(np.random.SeedSequence(seed).spawn(len(sizes)), sizes, strict=True):
            np.random.default_rng(seq).random((n_params, size))

    return replications / _best(repeat, draw_only)


def draw_rate(ev: Evidence, setting: Setting, replications: int, repeat: int, seed: int = 1) -> float:
    """Replications per second of the draws alone (no negotiation), batched as an ensemble batches them."""
    constants, pool = ModelConstants(), package_pool(ev, setting)
    sizes = chunk_sizes(replications, CHUNK_SIZE)

    def draws_only() -> None:
        seqs = np.random.SeedSequence(seed).spawn(len(sizes))
        for b in range(0, len(sizes), BATCH_CHUNKS):
            rngs = [np.random.default_rng(s) for s in seqs[b : b + BATCH_CHUNKS]]
            draw(ev, setting, rngs, sizes[b : b + BATCH_CHUNKS], constants, pool)

    return replications / _best(repeat, draws_only)


def batch_run_rate(ev: Evidence, setting: Setting, replications: int) -> float:
    """Decisions per second with one Mesa model per replication through :func:`mesa.batch_run`."""
    start = time.perf_counter()
    mesa.batch_run(
        SummitModel,
        parameters={"evidence": ev, "setting": setting, "rng": range(replications)},
        iterations=1,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    return replications / (time.perf_counter() - start)


def peak_mib() -> float:
    """Peak resident memory of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(prog="scosim bench", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max-replications", type=int, default=SIZES[-1], help="largest ensemble (default 10^7)")
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs per size (default 2)")
    parser.add_argument("--batch-run", type=int, default=300, help="replications for mesa.batch_run (default 300)")
    args = parser.parse_args(argv)
    ev = load_evidence()
    stage = ev.stages["SCO-10"]
    setting = Setting(stage.members, PROPOSAL, stage.year)
    sizes = [r for r in SIZES if r <= args.max_replications] or [args.max_replications]
    print(f"SCO-10 ({len(stage.members)} members, {stage.year}), proposal {PROPOSAL}, full negotiation, one core")
    head = ("replications", "decisions/s", "draws/s", "floor/s", "floor ratio", "ceiling")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (14, 14, 14, 14, 12, 8), strict=True)))
    rate = floor = 0.0
    for size in sizes:
        repeat = args.repeat if size < 10**7 else 1
        rate = ensemble_rate(ev, setting, size, repeat)
        draws = draw_rate(ev, setting, size, repeat)
        floor = floor_rate(ev, setting, size, repeat)
        print(f"{size:>14,} {rate:>14,.0f} {draws:>14,.0f} {floor:>14,.0f} {rate / floor:>12.3f} {draws / floor:>8.3f}")
    peak = peak_mib()  # the largest ensemble is the peak of interest; later cases have their own sizes
    mesa_rate = batch_run_rate(ev, setting, args.batch_run)
    print(f"mesa.batch_run, one model per replication ({args.batch_run} replications): {mesa_rate:,.0f} decisions/s")
    print("members  decisions/s  (10^5 replications, FTA)")
    scaling_size = min(10**5, sizes[-1])
    big, order = synthetic_members(ev, 50, np.random.default_rng(np.random.SeedSequence(1)))
    for n in (10, 20, 50):
        members_rate = ensemble_rate(big, Setting(tuple(order[:n]), PROPOSAL, stage.year), scaling_size, args.repeat)
        print(f"{n:>7}  {members_rate:>11,.0f}")
    print(
        f"throughput: {rate:.0f} decisions/s  floor_ratio: {rate / floor:.3f}  "
        f"ratio_vs_batch_run: {rate / mesa_rate:.0f}  peak_mib: {peak:.0f}"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
