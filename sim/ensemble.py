"""Monte Carlo ensembles: chunked, seeded, and independent of how chunks are grouped.

Replications are split into fixed-size chunks.  Chunk ``k`` draws its
parameters from ``SeedSequence(seed).spawn(n_chunks)[k]`` and nothing else, and
the negotiation after the draw is deterministic, so a chunk's results do not
depend on which other chunks share its model run (a *batch*) or its process.
Every tally is an integer count or a float sum accumulated chunk by chunk in
chunk order, which makes the totals identical for any grouping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

__all__ = [
    "BATCH_CHUNKS",
    "CHUNK_SIZE",
    "Batch",
    "EnsembleResult",
    "Tally",
    "chunk_sizes",
    "combine",
    "ensemble_result",
    "model_options",
    "plan_batches",
    "run_batch",
    "run_ensemble",
    "tally_record",
]

CHUNK_SIZE = 4096
"""Replications per chunk (the unit of seeding)."""

BATCH_CHUNKS = 16
"""Chunks per model run by default (65,536 replications: a few hundred MiB at most)."""

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

    outvoted: npt.NDArray[np.int64] = field(init=False)

    MEMBER_COUNTS = ("support", "objection", "opt_out", "abstain", "pivotal", "objected_first_round", "outvoted")

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
    t.outvoted = np.count_nonzero((final == Stance.OBJECT) & adopted, axis=1)
    t.depth_sum = float(np.sum(record.depth[sl][adopted]))
    t.side_sum = float(np.sum(record.side_paid[:, sl]))
    return t


@dataclass(frozen=True)
class Batch:
    """Consecutive chunks of an ensemble that share one model run.

    ``first`` is the index of the first chunk; chunk ``first + j`` has seed
    ``seeds[j]`` and ``sizes[j]`` replications.
    """

    first: int
    seeds: tuple[np.random.SeedSequence, ...]
    sizes: tuple[int, ...]

    @property
    def replications(self) -> int:
        """Replications in the batch."""
        return sum(self.sizes)


def plan_batches(
    replications: int, seed: int, chunk_size: int = CHUNK_SIZE, chunks_per_batch: int | None = BATCH_CHUNKS
) -> list[Batch]:
    """Split an ensemble into batches of chunks; chunk ``k`` is seeded by ``SeedSequence(seed).spawn(n)[k]``.

    Parameters
    ----------
    replications, seed
        Ensemble size and root seed.
    chunk_size
        Replications per chunk (the unit of seeding).
    chunks_per_batch
        Chunks per model run (``None``: all in one); bounds memory, never changes results.
    """
    sizes = chunk_sizes(replications, chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    per = chunks_per_batch or len(sizes)
    return [Batch(b, tuple(seeds[b : b + per]), tuple(sizes[b : b + per])) for b in range(0, len(sizes), per)]


def run_batch(evidence: Evidence, setting: Setting, batch: Batch, options: Mapping[str, Any]) -> list[Tally]:
    """Run a batch of chunks in one model and tally each chunk separately.

    ``options`` are keyword arguments of :class:`~sim.model.SummitModel`.  The
    function is pure and picklable, so batches can run in any process.
    """
    model = SummitModel(evidence, setting, chunks=list(zip(batch.seeds, batch.sizes, strict=True)), **options)
    model.run()
    record = model.release()
    out, start = [], 0
    for size in batch.sizes:
        out.append(tally_record(record, start, start + size))
        start += size
    return out


def combine(tallies: Sequence[Tally]) -> Tally:
    """Sum chunk tallies in the order given (chunk order, for identical floating-point sums)."""
    total = Tally(n_members=tallies[0].n_members)
    for t in tallies:
        total.add(t)
    return total


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
        """Per member: support, objection, opt-out, pivotal and outvoted rates.

        *Outvoted*: the member objected and the proposal was adopted all the
        same (possible only under a rule that does not count objections alone).
        """
        t, R = self.tally, self.replications
        return {
            m: {
                "support_rate": t.support[i] / R,
                "objection_rate": t.objection[i] / R,
                "opt_out_rate": t.opt_out[i] / R,
                "pivotal_rate": t.pivotal[i] / R,
                "outvoted_rate": t.outvoted[i] / R,
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
    chunks_per_batch: int | None = BATCH_CHUNKS,
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
        How many chunks share one model run (``None``: all of them).  The
        result does not depend on it; it bounds memory.
    """
    rule = rule if rule is not None else ScoConsensus()
    options = model_options(rule, preferences, negotiation, constants, seed, support_probability)
    tallies = [
        t
        for batch in plan_batches(replications, seed, chunk_size, chunks_per_batch)
        for t in run_batch(evidence, setting, batch, options)
    ]
    return ensemble_result(evidence, setting, combine(tallies), options, seed)


def model_options(
    rule: Rule,
    preferences: Preferences,
    negotiation: bool,
    constants: ModelConstants | None,
    seed: int,
    support_probability: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of :class:`~sim.model.SummitModel` shared by every batch of an ensemble."""
    return {
        "rule": rule,
        "preferences": preferences,
        "negotiation": negotiation,
        "constants": constants,
        "support_probability": support_probability,
        "rng": np.random.SeedSequence(seed),
    }


def ensemble_result(
    evidence: Evidence, setting: Setting, tally: Tally, options: Mapping[str, Any], seed: int
) -> EnsembleResult:
    """Wrap the combined tally of an ensemble with its setting and the rule's Coleman baseline."""
    rule: Rule = options["rule"]
    return EnsembleResult(
        setting=setting,
        rule=rule,
        preferences=options["preferences"],
        negotiation=options["negotiation"],
        seed=seed,
        tally=tally,
        coleman=rule.coleman(len(setting.members), [evidence.members[m].capability.value for m in setting.members]),
    )
