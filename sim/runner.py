"""Run a scenario: every stage × proposal ensemble, serially or on an executor.

Each cell (a stage, a rule and a proposal) is an ensemble of ``scenario.replications``
seeded by ``scenario.seed`` exactly as :func:`~sim.ensemble.run_ensemble`
seeds it, so a row of ``results.csv`` can be reproduced with ``scosim
simulate``.  The ensemble is cut into batches of chunks
(:func:`~sim.ensemble.plan_batches`); batches are independent tasks that may
run in any process and finish in any order, and their tallies are summed in
chunk order.  The results are therefore identical, to the byte, for any number
of workers.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import __version__
from sim.checkpoint import Checkpoint, RunInterrupted
from sim.draws import Setting
from sim.ensemble import (
    BATCH_CHUNKS,
    Batch,
    EnsembleResult,
    Tally,
    combine,
    ensemble_result,
    model_options,
    plan_batches,
    run_batch,
)
from sim.model import Outcome
from sim.scenario import Scenario, ScenarioStage

__all__ = ["MEMBER_COLUMNS", "RESULT_COLUMNS", "Cell", "ScenarioRun", "cells", "run", "tables"]

RESULT_COLUMNS = (
    "stage",
    "year",
    "n_members",
    "proposal",
    "rule",
    "replications",
    "pass_rate",
    "ci_low",
    "ci_high",
    "full_rate",
    "watered_down_rate",
    "opt_out_rate",
    "blocked_rate",
    "mean_depth",
    "coleman",
)
"""Columns of ``results.csv``, one row per stage × rule × proposal."""

MEMBER_COLUMNS = (
    "stage",
    "year",
    "proposal",
    "rule",
    "member",
    "support_rate",
    "objection_rate",
    "opt_out_rate",
    "pivotal_rate",
)
"""Columns of ``members.csv``, one row per stage × rule × proposal × member."""

Progress = Callable[[int], object]
"""Called with the number of replications just finished."""


@dataclass(frozen=True)
class Cell:
    """One ensemble of a scenario: a stage, a rule and a proposal."""

    stage: ScenarioStage
    rule: str
    proposal: str
    setting: Setting
    options: dict[str, Any]


@dataclass(frozen=True)
class ScenarioRun:
    """The results of a scenario run.

    Attributes
    ----------
    scenario
        The resolved scenario (with any ``--seed``/``--replications`` override).
    results
        One row per stage × proposal (:data:`RESULT_COLUMNS`).
    members
        One row per stage × proposal × member (:data:`MEMBER_COLUMNS`).
    ensembles
        The full ensemble results, in the row order of ``results``.
    wall_time
        Seconds the run took.
    workers
        Processes used (does not affect the results).
    """

    scenario: Scenario
    results: pd.DataFrame
    members: pd.DataFrame
    ensembles: tuple[EnsembleResult, ...]
    wall_time: float
    workers: int

    def summary(self) -> dict[str, Any]:
        """Return the run's record for ``summary.json`` (everything needed to reproduce it)."""
        return {
            "scenario": self.scenario.to_dict(),
            "seed": self.scenario.seed,
            "replications": self.scenario.replications,
            "scosim_version": __version__,
            "numpy_version": np.__version__,
            "wall_time_s": round(self.wall_time, 3),
            "workers": self.workers,
        }


def cells(scenario: Scenario) -> list[Cell]:
    """List the stage × rule × proposal ensembles of a scenario, in output order (stage-major)."""
    out = []
    for stage in scenario.stages:
        for choice in scenario.rules:
            rule = scenario.rule_for(stage, choice)
            for pid in scenario.proposals:
                options = model_options(
                    rule, scenario.preferences, scenario.negotiation, scenario.constants, scenario.seed
                )
                out.append(Cell(stage, choice.label, pid, scenario.setting(stage, pid), options))
    return out


def _ignore_interrupts() -> None:
    """Worker processes leave SIGINT and SIGTERM to the parent, which stops the run cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def _executor(workers: int, executor: Executor | None) -> Iterator[Executor | None]:
    if executor is not None:
        yield executor
    elif workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts) as pool:
            yield pool
    else:
        yield None


def run(
    scenario: Scenario,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunks_per_batch: int = BATCH_CHUNKS,
    checkpoint: Checkpoint | None = None,
    stop: Callable[[], bool] | None = None,
) -> ScenarioRun:
    """Run every stage × proposal ensemble of a scenario.

    Parameters
    ----------
    scenario
        From :func:`~sim.scenario.load_scenario`.
    workers
        Local processes (1: in this process).  Ignored when ``executor`` is given.
    executor
        Any :class:`concurrent.futures.Executor` to run the batches on.
    progress
        Called with the number of replications finished, as batches complete.
    chunks_per_batch
        Chunks of :data:`~sim.ensemble.CHUNK_SIZE` replications per task; it
        bounds memory and sets the grain of parallelism, never the results.
    checkpoint
        Where finished batches are stored as they complete, and batches
        finished by an earlier, interrupted run are taken from.
    stop
        Polled between batches; when it returns true the run stops, keeps the
        finished batches (in ``checkpoint``) and raises
        :class:`~sim.checkpoint.RunInterrupted`.

    Returns
    -------
    ScenarioRun
        The results and member tables as DataFrames, and the ensembles.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    start = time.perf_counter()
    ev = scenario.evidence
    plan = cells(scenario)
    batches = plan_batches(scenario.replications, scenario.seed, chunks_per_batch=chunks_per_batch)
    tallies: dict[tuple[int, int], list[Tally]] = {}
    todo: list[tuple[int, int, Batch]] = []
    for c in range(len(plan)):
        for b, batch in enumerate(batches):
            kept = checkpoint.load(c, b) if checkpoint else None
            if kept is None:
                todo.append((c, b, batch))
            else:
                tallies[c, b] = kept
                if progress:
                    progress(batch.replications)

    def finished(c: int, b: int, batch: Batch, result: list[Tally]) -> None:
        tallies[c, b] = result
        if checkpoint:
            checkpoint.save(c, b, result)
        if progress:
            progress(batch.replications)

    total = len(plan) * len(batches)
    with _executor(workers, executor) as pool:
        if pool is None:
            for c, b, batch in todo:
                if stop and stop():
                    raise RunInterrupted(len(tallies), total)
                finished(c, b, batch, run_batch(ev, plan[c].setting, batch, plan[c].options))
        else:
            futures: dict[Future[list[Tally]], tuple[int, int, Batch]] = {
                pool.submit(run_batch, ev, plan[c].setting, batch, plan[c].options): (c, b, batch)
                for c, b, batch in todo
            }
            for fut in as_completed(futures):
                finished(*futures[fut], fut.result())
                del futures[fut]
                if stop and stop():
                    # Cancel everything not yet started in one pass (waiting first would let the
                    # pool start more), then keep what had started or finished.
                    started = [(f, key) for f, key in futures.items() if not f.cancel()]
                    for f, key in started:
                        finished(*key, f.result())
                    raise RunInterrupted(len(tallies), total)
    ensembles = tuple(
        ensemble_result(
            ev,
            cell.setting,
            combine([t for b in range(len(batches)) for t in tallies[c, b]]),
            cell.options,
            scenario.seed,
        )
        for c, cell in enumerate(plan)
    )
    results, members = tables(plan, ensembles)
    return ScenarioRun(scenario, results, members, ensembles, time.perf_counter() - start, workers)


def tables(plan: Sequence[Cell], ensembles: Sequence[EnsembleResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the results and member tables of a run."""
    rows, member_rows = [], []
    for cell, res in zip(plan, ensembles, strict=True):
        lo, hi = res.pass_interval
        rows.append(
            {
                "stage": cell.stage.label,
                "year": cell.stage.year,
                "n_members": len(cell.stage.members),
                "proposal": cell.proposal,
                "rule": cell.rule,
                "replications": res.replications,
                "pass_rate": res.pass_rate,
                "ci_low": lo,
                "ci_high": hi,
                "full_rate": res.rate(Outcome.FULL),
                "watered_down_rate": res.rate(Outcome.WATERED_DOWN),
                "opt_out_rate": res.rate(Outcome.OPT_OUT),
                "blocked_rate": res.rate(Outcome.BLOCKED),
                "mean_depth": res.mean_depth,
                "coleman": res.coleman,
            }
        )
        for member, rates in res.member_rates().items():
            member_rows.append(
                {
                    "stage": cell.stage.label,
                    "year": cell.stage.year,
                    "proposal": cell.proposal,
                    "rule": cell.rule,
                    "member": member,
                }
                | rates
            )
    return (
        pd.DataFrame(rows, columns=list(RESULT_COLUMNS)),
        pd.DataFrame(member_rows, columns=list(MEMBER_COLUMNS)),
    )
