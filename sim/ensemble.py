"""Monte Carlo ensembles: chunked, seeded, and independent of how chunks are grouped.

Replications are split into fixed-size chunks.  Chunk ``k`` draws its
parameters from ``SeedSequence(seed).spawn(n_chunks)[k]`` and nothing else, and
the negotiation after the draw is deterministic, so a chunk's results do not
depend on which other chunks share its model run (a *batch*) or its process.
Every tally is an integer count or a float sum accumulated chunk by chunk in
chunk order, which makes the totals identical for any grouping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis import wilson_interval
from sim.constants import ModelConstants
from sim.draws import Setting
from sim.evidence import Evidence
from sim.model import Outcome, Preferences, RunRecord, SummitModel
from sim.rules import Rule, ScoConsensus, Stance

__all__ = ["CHUNK_SIZE", "EnsembleResult", "Tally", "chunk_sizes", "run_ensemble", "tally_record"]

CHUNK_SIZE = 4096
"""Replications per chunk (the unit of seeding)."""

OUTCOME_NAMES = tuple(o.name.lower() for o in Outcome)


def chunk_sizes(replications: int, chunk_size: int = CHUNK_SIZE) -> list[int]:
    """Sizes of the chunks that make up ``replications``."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    full, rest = divmod(replications, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


@dataclass
class Tally:
    """Counts and sums over replications, mergeable chunk by chunk."""

    n_members: int
    replications: int = 0
    outcomes: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(len(Outcome), dtype=np.int64))
    support: npt.NDArray[np.int64] = field(init=False)
    objection: npt.NDArray[np.int64] = field(init=False)
    opt_out: npt.NDArray[np.int64] = field(init=False)
    abstain: npt.NDArray[np.int64] = field(init=False)
    pivotal: npt.NDArray[np.int64] = field(init=False)
    objected_first_round: npt.NDArray[np.int64] = field(init=False)
    depth_sum: float = 0.0
    side_sum: float = 0.0

    MEMBER_COUNTS = ("support", "objection", "opt_out", "abstain", "pivotal", "objected_first_round")

    def __post_init__(self) -> None:
        for name in self.MEMBER_COUNTS:
            setattr(self, name, np.zeros(self.n_members, dtype=np.int64))

    def add(self, other: Tally) -> None:
        """Add another tally (of a later chunk) to this one."""
        self.replications += other.replications
        self.outcomes += other.outcomes
        for name in self.MEMBER_COUNTS:
            getattr(self, name)[:] += getattr(other, name)
        self.depth_sum += other.depth_sum
        self.side_sum += other.side_sum


def tally_record(record: RunRecord, start: int = 0, stop: int | None = None) -> Tally:
    """Tally the replications ``start:stop`` of a finished run."""
    sl = slice(start, stop)
    final = record.final_stances[:, sl]
    adopted = record.outcome[sl] != Outcome.BLOCKED
    t = Tally(n_members=final.shape[0], replications=final.shape[1])
    t.outcomes = np.bincount(record.outcome[sl], minlength=len(Outcome)).astype(np.int64)
    t.support = np.count_nonzero(final == Stance.SUPPORT, axis=1)
    t.objection = np.count_nonzero(final == Stance.OBJECT, axis=1)
    t.opt_out = np.count_nonzero((final == Stance.OPT_OUT) & adopted, axis=1)
    t.abstain = np.count_nonzero(final == Stance.ABSTAIN, axis=1)
    t.pivotal = np.count_nonzero(record.pivotal[:, sl], axis=1)
    t.objected_first_round = np.count_nonzero(record.stance_history[0][:, sl] == Stance.OBJECT, axis=1)
    t.depth_sum = float(np.sum(record.depth[sl][adopted]))
    t.side_sum = float(np.sum(record.side_paid[:, sl]))
    return t


def _run_batch(
    evidence: Evidence,
    setting: Setting,
    seeds: Sequence[np.random.SeedSequence],
    sizes: Sequence[int],
    options: dict[str, Any],
) -> list[Tally]:
    """Run a batch of chunks in one model and tally each chunk separately."""
    model = SummitModel(evidence, setting, chunks=list(zip(seeds, sizes, strict=True)), **options)
    record = model.run()
    out, start = [], 0
    for size in sizes:
        out.append(tally_record(record, start, start + size))
        start += size
    return out


@dataclass(frozen=True)
class EnsembleResult:
    """Aggregated result of an ensemble for one decision setting."""

    setting: Setting
    rule: Rule
    preferences: str
    negotiation: bool
    seed: int
    tally: Tally
    coleman: float

    @property
    def replications(self) -> int:
        """Number of replications."""
        return self.tally.replications

    def rate(self, outcome: Outcome) -> float:
        """Share of replications with this outcome."""
        return float(self.tally.outcomes[outcome]) / self.replications

    @property
    def probabilities(self) -> dict[str, float]:
        """Share of each outcome (sums to one)."""
        return {name: self.rate(o) for name, o in zip(OUTCOME_NAMES, Outcome, strict=True)}

    @property
    def pass_rate(self) -> float:
        """``1 - blocked``."""
        return 1.0 - self.rate(Outcome.BLOCKED)

    @property
    def pass_interval(self) -> tuple[float, float]:
        """95% Wilson interval of the pass rate."""
        passed = self.replications - int(self.tally.outcomes[Outcome.BLOCKED])
        lo, hi = wilson_interval(passed, self.replications)
        return float(lo), float(hi)

    @property
    def mean_depth(self) -> float:
        """Mean final depth of adopted proposals (NaN when nothing passed)."""
        adopted = self.replications - int(self.tally.outcomes[Outcome.BLOCKED])
        return self.tally.depth_sum / adopted if adopted else float("nan")

    def member_rates(self) -> dict[str, dict[str, float]]:
        """Per member: support, objection, opt-out and pivotal rates."""
        t, R = self.tally, self.replications
        return {
            m: {
                "support_rate": t.support[i] / R,
                "objection_rate": t.objection[i] / R,
                "opt_out_rate": t.opt_out[i] / R,
                "pivotal_rate": t.pivotal[i] / R,
            }
            for i, m in enumerate(self.setting.members)
        }


def run_ensemble(
    evidence: Evidence,
    setting: Setting,
    *,
    replications: int,
    seed: int,
    rule: Rule | None = None,
    preferences: Preferences = "documents",
    negotiation: bool = True,
    constants: ModelConstants | None = None,
    chunk_size: int = CHUNK_SIZE,
    chunks_per_batch: int | None = None,
    support_probability: Sequence[float] | None = None,
) -> EnsembleResult:
    """Run ``replications`` of one decision and aggregate them.

    Parameters
    ----------
    evidence, setting
        The evidence and the decision.
    replications, seed
        Ensemble size and root seed; chunk ``k`` uses ``SeedSequence(seed).spawn(...)[k]``.
    rule, preferences, negotiation, constants, support_probability
        Passed to :class:`~sim.model.SummitModel`.
    chunk_size
        Replications per chunk.
    chunks_per_batch
        How many chunks share one model run (default: all of them).  The result
        does not depend on it.
    """
    rule = rule if rule is not None else ScoConsensus()
    sizes = chunk_sizes(replications, chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    per_batch = chunks_per_batch or len(sizes)
    options: dict[str, Any] = {
        "rule": rule,
        "preferences": preferences,
        "negotiation": negotiation,
        "constants": constants,
        "support_probability": support_probability,
        "rng": np.random.SeedSequence(seed),
    }
    total = Tally(n_members=len(setting.members))
    for b in range(0, len(sizes), per_batch):
        for t in _run_batch(evidence, setting, seeds[b : b + per_batch], sizes[b : b + per_batch], options):
            total.add(t)
    n = len(setting.members)
    return EnsembleResult(
        setting=setting,
        rule=rule,
        preferences=preferences,
        negotiation=negotiation,
        seed=seed,
        tally=total,
        coleman=rule.coleman(n, [evidence.members[m].capability.value for m in setting.members]),
    )
