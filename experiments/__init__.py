"""The paper experiments: one module per experiment, each with a ``main()``.

Run one with ``scosim experiment NAME`` (or ``python -m experiments.NAME``),
all of them with ``make figures``.  Each writes to
``results/experiments/NAME/``: figures as PDF, SVG and 300-dpi PNG, the data
behind every figure as CSV, tables as CSV and LaTeX, and ``provenance.json``.
``docs/experiments.md`` states each experiment's question, design and result.
"""

NAMES = ("expansion", "rules", "veto_players", "backtest", "sensitivity", "synthetic")
"""The experiments, in the order ``make figures`` runs them."""

__all__ = ["NAMES"]
