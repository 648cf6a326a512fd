"""Backtest: does the model reproduce the decisions the documents record.

Design
------
Every event of ``seeds/events.toml`` is replayed at its year with the members
of the time, under consensus with negotiation (:mod:`sim.backtest`).  The
model's forecast is the probability of each of its four outcomes; a *hit* is
an event whose recorded outcome is the model's most likely one, and the
multi-class Brier score measures the whole forecast (0 is perfect, 2 certain
and wrong).  Two naive baselines frame the score:

- *most common outcome*: always forecast, with certainty, the outcome the
  events record most often;
- *Coleman null model*: members vote impartially (support with probability
  1/2), one vote, no negotiation, so a text passes in full with probability
  :math:`2^{-n}` and is otherwise blocked.

The reliability diagram pools every (event, outcome) forecast into bins of
forecast probability and compares each bin's mean forecast with how often the
outcome was recorded.

Outputs
-------
``events`` (table), ``scores`` (table), ``reliability`` (figure and data).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.common import options, output, parse
from sim.analysis import wilson_interval
from sim.backtest import OUTCOME_NAMES, BacktestRow, brier, run_backtest
from sim.evidence import load_evidence

NAME = "backtest"
PARALLEL = False
"""Whether the experiment takes ``--workers``."""
BIN_EDGES = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


def events_table(rows: Sequence[BacktestRow]) -> pd.DataFrame:
    """One row per event: recorded outcome, the model's probabilities, hit, named blockers and top objectors."""
    return pd.DataFrame(
        [
            {
                "year": r.event.year,
                "event": r.event.id,
                "recorded": r.recorded,
                **{f"p_{k}": r.probabilities[k] for k in OUTCOME_NAMES},
                "model": r.predicted,
                "hit": r.hit,
                "brier": r.brier,
                "named_blockers": " ".join(r.event.blockers) or "-",
                "top_objectors": " ".join(r.top_objectors[:2]) or "-",
            }
            for r in rows
        ]
    )


def baselines(rows: Sequence[BacktestRow]) -> dict[str, list[dict[str, float]]]:
    """Forecasts of the two naive baselines for every event."""
    recorded = [r.recorded for r in rows]
    common = max(OUTCOME_NAMES, key=recorded.count)
    certain = [{k: float(k == common) for k in OUTCOME_NAMES} for _ in rows]
    coleman = []
    for r in rows:
        full = 2.0 ** -len(r.event.members)
        coleman.append({k: {"full": full, "blocked": 1.0 - full}.get(k, 0.0) for k in OUTCOME_NAMES})
    return {f"most common outcome ({common})": certain, "Coleman null model": coleman}


def scores(rows: Sequence[BacktestRow]) -> pd.DataFrame:
    """Accuracy and Brier score of the model and of each baseline."""
    forecasts = {"scosim": [r.probabilities for r in rows], **baselines(rows)}
    out = []
    for name, probs in forecasts.items():
        hits = [max(p, key=lambda k: p[k]) == r.recorded for p, r in zip(probs, rows, strict=True)]
        out.append(
            {
                "forecast": name,
                "events": len(rows),
                "hits": int(sum(hits)),
                "accuracy": float(np.mean(hits)),
                "brier": float(np.mean([brier(p, r.recorded) for p, r in zip(probs, rows, strict=True)])),
            }
        )
    return pd.DataFrame(out)


def reliability(rows: Sequence[BacktestRow]) -> pd.DataFrame:
    """Pool every (event, outcome) forecast into bins; observed frequency with its Wilson interval per bin."""
    p = np.array([r.probabilities[k] for r in rows for k in OUTCOME_NAMES])
    o = np.array([float(r.recorded == k) for r in rows for k in OUTCOME_NAMES])
    which = np.clip(np.digitize(p, BIN_EDGES[1:-1], right=True), 0, len(BIN_EDGES) - 2)
    out = []
    for b in range(len(BIN_EDGES) - 1):
        mask = which == b
        n, k = int(mask.sum()), int(o[mask].sum())
        lo, hi = wilson_interval(k, n)
        out.append(
            {
                "bin_low": BIN_EDGES[b],
                "bin_high": BIN_EDGES[b + 1],
                "count": n,
                "mean_forecast": float(p[mask].mean()) if n else float("nan"),
                "observed": k / n if n else float("nan"),
                "ci_low": float(lo),
                "ci_high": float(hi),
            }
        )
    return pd.DataFrame(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    args = parse(options(NAME, __doc__.splitlines()[0], replications=5000, parallel=PARALLEL), argv)
    ev = load_evidence()
    out = output(NAME, args.out)
    rows = run_backtest(ev, replications=args.replications, seed=args.seed)
    events = events_table(rows)
    out.table(
        events.drop(columns=["brier"]),
        "events",
        f"Recorded outcome and model forecast of every event ({args.replications:,} replications, seed {args.seed}).",
        float_format="{:.2f}",
    )
    out.table(
        scores(rows),
        "scores",
        "Accuracy (recorded outcome = most likely forecast) and multi-class Brier score of the model and two "
        "naive baselines.",
    )
    bins = reliability(rows)
    out.data(bins, "reliability")
    out.figure(plotting.plot_reliability(bins), "reliability")
    out.finish(
        scenario={"events": [r.event.id for r in rows], "rule": "sco_consensus", "negotiation": True},
        seed=args.seed,
        replications=args.replications,
    )
    print(f"backtest: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
