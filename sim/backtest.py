r"""Backtest: replay every historical event and compare with the recorded outcome.

Each event of the evidence base is run at its year, with the members of the
time, under ``sco_consensus`` with negotiation.  Recorded outcomes map onto the
model's four outcomes: ``adopted_all`` to ``full``, ``adopted_watered_down`` to
``watered_down``, ``adopted_opt_out`` to ``opt_out``, and ``blocked`` and
``not_taken_up`` to ``blocked``.

An event is a *hit* when the recorded outcome is the model's most likely one.
The multi-class Brier score is

.. math::

    B = \frac{1}{N} \sum_{e} \sum_{k} (p_{ek} - o_{ek})^2 ,

with :math:`p_{ek}` the model's probability of outcome :math:`k` and
:math:`o_{ek}` one for the recorded outcome, zero otherwise (0 is perfect; 2
is certain and wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.constants import ModelConstants
from sim.draws import Setting
from sim.ensemble import OUTCOME_NAMES, EnsembleResult, run_ensemble
from sim.evidence import Event, Evidence

__all__ = [
    "OUTCOME_NAMES",
    "RECORDED_TO_MODEL",
    "BacktestRow",
    "brier",
    "event_setting",
    "run_backtest",
    "run_event",
    "summary_line",
]

RECORDED_TO_MODEL = {
    "adopted_all": "full",
    "adopted_watered_down": "watered_down",
    "adopted_opt_out": "opt_out",
    "blocked": "blocked",
    "not_taken_up": "blocked",
}
"""How a recorded outcome reads in the model's four outcomes."""


@dataclass(frozen=True)
class BacktestRow:
    """One event, its recorded outcome and the model's forecast."""

    event: Event
    recorded: str
    probabilities: dict[str, float]
    objection_rates: dict[str, float]

    @property
    def predicted(self) -> str:
        """The model's most likely outcome."""
        return max(self.probabilities, key=lambda k: self.probabilities[k])

    @property
    def hit(self) -> bool:
        """Whether the recorded outcome is the model's most likely one."""
        return self.predicted == self.recorded

    @property
    def top_objectors(self) -> list[str]:
        """Members with the highest objection rate (ties included; empty if nobody objects)."""
        top = max(self.objection_rates.values(), default=0.0)
        if top <= 0:
            return []
        return [m for m, r in self.objection_rates.items() if r >= top - 1e-12]

    @property
    def blockers_match(self) -> bool | None:
        """Every named blocker is a most frequent objector (``None`` when none is named)."""
        if not self.event.blockers:
            return None
        return all(b in self.top_objectors for b in self.event.blockers)

    @property
    def brier(self) -> float:
        """Brier score of this event's forecast."""
        return brier(self.probabilities, self.recorded)


def brier(probabilities: dict[str, float], recorded: str) -> float:
    """Multi-class Brier score of one forecast."""
    return float(sum((p - (1.0 if k == recorded else 0.0)) ** 2 for k, p in probabilities.items()))


def event_setting(ev: Evidence, event: Event) -> Setting:
    """Return the decision setting that replays an event."""
    return Setting(event.members, event.proposal, event.year, event.candidates)


def run_event(
    ev: Evidence, event: Event, *, replications: int, seed: int, constants: ModelConstants | None = None
) -> EnsembleResult:
    """Replay one event as an ensemble."""
    return run_ensemble(ev, event_setting(ev, event), replications=replications, seed=seed, constants=constants)


def run_backtest(
    ev: Evidence, *, replications: int = 2000, seed: int = 2024, constants: ModelConstants | None = None
) -> list[BacktestRow]:
    """Replay every event (chronologically) and return one row per event."""
    rows = []
    for event in sorted(ev.events.values(), key=lambda e: (e.year, e.id)):
        res = run_event(ev, event, replications=replications, seed=seed, constants=constants)
        rates = {m: r["objection_rate"] for m, r in res.member_rates().items()}
        rows.append(BacktestRow(event, RECORDED_TO_MODEL[event.outcome], res.probabilities, rates))
    return rows


def summary_line(rows: Sequence[BacktestRow]) -> str:
    """Format the backtest's last line: ``accuracy: K/N (P%)  brier: B``."""
    k, n = sum(r.hit for r in rows), len(rows)
    b = float(np.mean([r.brier for r in rows])) if rows else float("nan")
    return f"accuracy: {k}/{n} ({100 * k / n:.0f}%)  brier: {b:.3f}"
