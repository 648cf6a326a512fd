"""Every chart of scosim, drawn from result tables (never from live models).

Plot functions take DataFrames as written by ``scosim run`` (and read back by
:func:`sim.outputs.read_run`), draw into ``ax`` when one is given, and return
the :class:`~matplotlib.figure.Figure`.  Figures are built without pyplot, so
nothing here touches global state; styling is applied through
:func:`matplotlib.rc_context` for the duration of each call.

House style: the Okabe–Ito colour-blind-safe palette; the perceptually uniform,
colour-blind-safe ``cividis`` map for heatmaps; widths of 3.5 in (one journal
column) or 7 in (two); labelled axes with units; confidence bands always drawn;
TrueType fonts embedded in PDF; no timestamps in PDF or SVG, so the files are
reproducible.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

__all__ = [
    "DOUBLE_COLUMN",
    "OKABE_ITO",
    "SINGLE_COLUMN",
    "close",
    "figure_bytes",
    "plot_objections",
    "plot_pass_rates",
]

SINGLE_COLUMN = 3.5
"""Width in inches of a one-column journal figure."""
DOUBLE_COLUMN = 7.0
"""Width in inches of a two-column journal figure."""

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette (blue, vermilion, green, purple, orange, sky, yellow, black)."""

STYLE: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
    "legend.frameon": False,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "scosim",
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
}

_METADATA: dict[str, dict[str, str | None]] = {
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "scosim"},
    "svg": {"Date": None, "Creator": "scosim"},
    "png": {"Software": "scosim"},
}


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _label(pid: str, names: Mapping[str, str] | None, width: int = 32) -> str:
    """Display name of a proposal, wrapped to lines of at most ``width`` characters."""
    return textwrap.fill((names or {}).get(pid, pid.replace("_", " ")), width)


def _rules(frame: pd.DataFrame) -> list[str]:
    return [str(r) for r in dict.fromkeys(frame["rule"])] if "rule" in frame else [""]


def _of_rule(frame: pd.DataFrame, rule: str) -> pd.DataFrame:
    return frame[frame["rule"] == rule] if rule else frame


def plot_pass_rates(
    results: pd.DataFrame,
    *,
    ax: Axes | None = None,
    names: Mapping[str, str] | None = None,
    title: str = "",
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Pass rate by stage, with 95% bands and the Coleman baseline.

    With one rule in ``results``: one panel, a line per proposal.  With
    several rules (a rule comparison): one panel per proposal, a line per
    rule, each with its own Coleman baseline (dashed, same colour).

    Parameters
    ----------
    results
        Rows of ``results.csv``: ``stage``, ``n_members``, ``rule``,
        ``proposal``, ``pass_rate``, ``ci_low``, ``ci_high``, ``coleman``.
    ax
        Axes to draw into (default: a new figure); only for a single rule.
    names
        Display names by proposal id (default: the id).
    title
        Figure title.
    width
        Figure width in inches when a new figure is made.
    """
    rules = _rules(results)
    proposals = [str(p) for p in dict.fromkeys(results["proposal"])]
    with _style():
        if len(rules) == 1:
            fig, ax = _axes(ax, (width, width * 0.5))
            for pid in proposals:
                _draw_series(ax, results[results["proposal"] == pid], _label(pid, names))
            _draw_coleman(ax, results, "Coleman (impartial)", "0.35")
            _stage_axis(ax, results)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        else:
            if ax is not None:
                raise ValueError("results hold several rules: they are drawn one panel per proposal, in a new figure")
            cols = min(3, len(proposals))
            rows = -(-len(proposals) // cols)
            fig = Figure(figsize=(width, 0.9 + 2.3 * rows), layout="constrained")
            axes = fig.subplots(rows, cols, sharey=True, squeeze=False).ravel()
            for panel, pid in zip(axes, proposals, strict=False):
                of_prop = results[results["proposal"] == pid]
                for rule in rules:
                    line = _draw_series(panel, of_prop[of_prop["rule"] == rule], rule.replace("_", " "))
                    _draw_coleman(panel, of_prop[of_prop["rule"] == rule], None, line)
                _stage_axis(panel, of_prop, narrow=True)
                panel.set_title(_label(pid, names))
            for panel in axes[len(proposals) :]:
                panel.set_visible(False)
            handles, labels = axes[0].get_legend_handles_labels()
            handles.append(Line2D([], [], ls="--", color="0.35", lw=0.8))
            labels.append("Coleman baseline of each rule")
            fig.legend(handles, labels, loc="outside right upper")
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=STYLE["axes.titlesize"])
    return fig


def _draw_series(ax: Axes, rows: pd.DataFrame, label: str) -> str:
    x = np.arange(len(rows))
    (line,) = ax.plot(x, 100 * rows["pass_rate"], marker="o", ms=3, lw=1.2, label=label)
    ax.fill_between(x, 100 * rows["ci_low"], 100 * rows["ci_high"], color=line.get_color(), alpha=0.25, lw=0)
    return str(line.get_color())


def _draw_coleman(ax: Axes, rows: pd.DataFrame, label: str | None, colour: str) -> None:
    per_stage = rows.drop_duplicates("stage")
    x = np.arange(len(per_stage))
    marker = "x" if label else None
    ax.plot(x, 100 * per_stage["coleman"], ls="--", color=colour, lw=0.8, marker=marker, ms=3, label=label)


def _stage_axis(ax: Axes, rows: pd.DataFrame, narrow: bool = False) -> None:
    per_stage = rows.drop_duplicates("stage")
    stages, counts = list(per_stage["stage"]), per_stage["n_members"].astype(int)
    crowded = narrow or len(stages) > 5
    ticks = [f"{s} ({k})" if crowded else f"{s}\n({k} members)" for s, k in zip(stages, counts, strict=True)]
    ax.set_xticks(np.arange(len(stages)), ticks, rotation=35 if crowded else 0, ha="right" if crowded else "center")
    ax.set_xlim(-0.3, len(stages) - 0.7)
    ax.set_ylim(-2, 102)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_ylabel("Pass rate (% of replications)")
    ax.set_xlabel("Membership stage (members)" if crowded else "Membership stage")
    ax.grid(axis="y", lw=0.4, color="0.9")


def plot_objections(
    members: pd.DataFrame,
    *,
    stages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    value: str = "objection_rate",
    width: float = DOUBLE_COLUMN,
    columns: int = 5,
) -> Figure:
    """Member × proposal heatmaps of objection rates, one panel per stage (and rule).

    Every panel has the same rows (all members of any stage, in order of
    appearance); a state that is not a member at a stage is left blank.

    Parameters
    ----------
    members
        Rows of ``members.csv``: ``stage``, ``rule``, ``proposal``, ``member`` and ``value``.
    stages
        Stages to show, in order (default: all, in table order).
    names
        Display names by proposal id.
    value
        Column to show (``objection_rate``, ``pivotal_rate``, ...).
    width
        Figure width in inches.
    columns
        Panels per row before wrapping.
    """
    order = list(stages) if stages is not None else list(dict.fromkeys(members["stage"]))
    rules = _rules(members)
    panels = [(rule, stage) for rule in rules for stage in order]
    proposals = [str(p) for p in dict.fromkeys(members["proposal"])]
    who = [str(m) for m in dict.fromkeys(members[members["stage"].isin(order)]["member"])]
    ncols = min(columns, len(order))
    nrows = -(-len(panels) // ncols)
    label_height = 0.3 + 0.055 * max(len(line) for p in proposals for line in _label(p, names).splitlines())
    with _style():
        fig = Figure(figsize=(width, nrows * (0.45 + 0.13 * len(who)) + label_height), layout="constrained")
        grid = fig.subplots(nrows, ncols, squeeze=False).ravel()
        image = None
        for k, (ax, (rule, stage)) in enumerate(zip(grid, panels, strict=False)):
            rows = _of_rule(members, rule)
            rows = rows[rows["stage"] == stage]
            table = rows.pivot_table(index="member", columns="proposal", values=value, sort=False)
            data = table.reindex(index=who, columns=proposals).to_numpy(dtype=float)
            image = ax.imshow(data, cmap="cividis", vmin=0, vmax=1, aspect="auto")
            for (i, j), v in np.ndenumerate(data):
                if np.isfinite(v):
                    colour = "w" if v < 0.6 else "k"
                    ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=5, color=colour)
            ax.set_title(f"{stage}\n{rule.replace('_', ' ')}" if len(rules) > 1 else stage, fontsize=7)
            ax.set_yticks(range(len(who)), who)
            ax.set_xticks(range(len(proposals)), [_label(p, names) for p in proposals], rotation=60, ha="right")
            ax.tick_params(length=0, labelbottom=k + ncols >= len(panels), labelleft=k % ncols == 0)
            for spine in ax.spines.values():
                spine.set_visible(False)
        for ax in grid[len(panels) :]:
            ax.set_visible(False)
        assert image is not None
        bar = fig.colorbar(image, ax=list(grid[: len(panels)]), shrink=0.6)
        bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        bar.set_label(value.replace("_", " ").capitalize() + " (% of replications)")
    return fig


def figure_bytes(fig: Figure, fmt: str, dpi: int = 300) -> bytes:
    """Render a figure to PNG, PDF or SVG bytes (no timestamps: same figure, same bytes)."""
    buf = io.BytesIO()
    with _style():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA.get(fmt))
    return buf.getvalue()


def close(fig: Figure) -> None:
    """Release a figure's memory (figures made here are not registered with pyplot)."""
    fig.clear()
