"""Tables of simulation results for the command line.

Functions take results (never live models) and return :mod:`rich` renderables.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from sim.backtest import BacktestRow, summary_line
from sim.ensemble import EnsembleResult
from sim.evidence import Evidence

__all__ = ["backtest_table", "ensemble_table", "expansion_table"]


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def ensemble_table(ev: Evidence, res: EnsembleResult) -> list[RenderableType]:
    """Outcome shares and per-member rates of one ensemble."""
    prop = ev.proposal(res.setting.proposal)
    lo, hi = res.pass_interval
    head = Text()
    head.append(f"{prop.name}", style="bold")
    head.append(
        f"  {res.setting.year}, {len(res.setting.members)} members, rule {res.rule.name}, "
        f"preferences {res.preferences}, negotiation {'on' if res.negotiation else 'off'}, "
        f"{res.replications} replications, seed {res.seed}\n"
    )
    head.append(
        f"pass rate {_pct(res.pass_rate)} (95% CI {_pct(lo)} to {_pct(hi)});  Coleman baseline {_pct(res.coleman)}\n"
    )
    head.append("  ".join(f"{k.replace('_', ' ')} {_pct(v)}" for k, v in res.probabilities.items()))
    t = Table(title="Members", title_justify="left")
    for col in ("member", "support", "objection", "opt-out", "pivotal"):
        t.add_column(col, justify="left" if col == "member" else "right")
    for m, r in res.member_rates().items():
        t.add_row(
            m, _pct(r["support_rate"]), _pct(r["objection_rate"]), _pct(r["opt_out_rate"]), _pct(r["pivotal_rate"])
        )
    return [head, t]


def expansion_table(
    ev: Evidence,
    results: Sequence[tuple[str, EnsembleResult]],
    title: str = "Pass rate as the SCO expands (sco_consensus, negotiation on)",
) -> list[RenderableType]:
    """Pass rates with intervals per stage and proposal, with the Coleman baseline."""
    t = Table(title=title)
    for col in (
        "proposal",
        "stage",
        "year",
        "n",
        "pass rate",
        "95% CI",
        "full",
        "watered",
        "opt-out",
        "Coleman",
        "top objector",
    ):
        t.add_column(col, justify="left" if col in ("proposal", "stage", "top objector") else "right")
    for stage, res in results:
        lo, hi = res.pass_interval
        p = res.probabilities
        rates = res.member_rates()
        top = max(rates, key=lambda m: rates[m]["objection_rate"])
        top_text = f"{top} ({_pct(rates[top]['objection_rate']).strip()})" if rates[top]["objection_rate"] > 0 else "-"
        t.add_row(
            res.setting.proposal,
            stage,
            str(res.setting.year),
            str(len(res.setting.members)),
            _pct(res.pass_rate),
            f"{_pct(lo)}-{_pct(hi)}",
            _pct(p["full"]),
            _pct(p["watered_down"]),
            _pct(p["opt_out"]),
            f"{100 * res.coleman:.2g}%",
            top_text,
        )
    return [t]


def backtest_table(rows: Sequence[BacktestRow]) -> list[RenderableType]:
    """Tabulate the backtest, ending with ``accuracy: K/N (P%)  brier: B``."""
    t = Table(title="Backtest against the recorded events (sco_consensus, negotiation on)")
    for col in (
        "year",
        "event",
        "recorded",
        "full",
        "watered",
        "opt-out",
        "blocked",
        "model",
        "hit",
        "named blockers",
        "top objectors",
    ):
        t.add_column(col, justify="right" if col in ("full", "watered", "opt-out", "blocked") else "left")
    for r in rows:
        p = r.probabilities
        t.add_row(
            str(r.event.year) + ("" if r.event.year_documented else "?"),
            r.event.id,
            r.recorded,
            f"{p['full']:.2f}",
            f"{p['watered_down']:.2f}",
            f"{p['opt_out']:.2f}",
            f"{p['blocked']:.2f}",
            r.predicted,
            "hit" if r.hit else "MISS",
            ", ".join(r.event.blockers) or "-",
            ", ".join(r.top_objectors[:2]) or "-",
        )
    return [t, Text(summary_line(rows))]
