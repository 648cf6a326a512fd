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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
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


def _label(pid: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(pid, pid.replace("_", " "))


def plot_pass_rates(
    results: pd.DataFrame,
    *,
    ax: Axes | None = None,
    names: Mapping[str, str] | None = None,
    title: str = "",
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Pass rate by stage for each proposal, with 95% bands and the Coleman baseline.

    Parameters
    ----------
    results
        Rows of ``results.csv``: ``stage``, ``n_members``, ``proposal``,
        ``pass_rate``, ``ci_low``, ``ci_high``, ``coleman``.
    ax
        Axes to draw into (default: a new figure).
    names
        Display names by proposal id (default: the id).
    title
        Figure title.
    width
        Figure width in inches when a new figure is made.
    """
    with _style():
        fig, ax = _axes(ax, (width, width * 0.5))
        stages = list(dict.fromkeys(results["stage"]))
        x = np.arange(len(stages))
        for pid, rows in results.groupby("proposal", sort=False):
            rows = rows.set_index("stage").reindex(stages)
            (line,) = ax.plot(x, 100 * rows["pass_rate"], marker="o", ms=3, lw=1.2, label=_label(str(pid), names))
            ax.fill_between(
                x, 100 * rows["ci_low"], 100 * rows["ci_high"], color=line.get_color(), alpha=0.25, lw=0, step=None
            )
        coleman = results.drop_duplicates("stage").set_index("stage").reindex(stages)
        ax.plot(x, 100 * coleman["coleman"], ls="--", color="0.35", lw=1, marker="x", ms=3, label="Coleman (impartial)")
        n = coleman["n_members"].astype(int)
        years = coleman["year"].astype(int)
        ticks = [f"{s}\n{y}, {k} members" for s, y, k in zip(stages, years, n, strict=True)]
        ax.set_xticks(x, ticks)
        ax.set_xlim(-0.3, len(stages) - 0.7)
        ax.set_ylim(-2, 102)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_ylabel("Pass rate (% of replications)")
        ax.set_xlabel("Membership stage")
        if title:
            ax.set_title(title, loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(axis="y", lw=0.4, color="0.9")
    return fig


def plot_objections(
    members: pd.DataFrame,
    *,
    stages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    value: str = "objection_rate",
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Member × proposal heatmaps of objection rates, one panel per stage.

    Parameters
    ----------
    members
        Rows of ``members.csv``: ``stage``, ``proposal``, ``member`` and ``value``.
    stages
        Stages to show, in order (default: all, in table order).
    names
        Display names by proposal id.
    value
        Column to show (``objection_rate``, ``pivotal_rate``, ...).
    width
        Figure width in inches.
    """
    order = list(stages) if stages is not None else list(dict.fromkeys(members["stage"]))
    proposals = list(dict.fromkeys(members["proposal"]))
    n_rows = max(members[members["stage"] == s]["member"].nunique() for s in order)
    with _style():
        fig = Figure(figsize=(width, 1.2 + 0.2 * n_rows + 0.08 * max(len(p) for p in proposals)), layout="constrained")
        axes = fig.subplots(1, len(order), squeeze=False)[0]
        image = None
        for ax, stage in zip(axes, order, strict=True):
            rows = members[members["stage"] == stage]
            who = list(dict.fromkeys(rows["member"]))
            grid = rows.pivot_table(index="member", columns="proposal", values=value, sort=False).reindex(
                index=who, columns=proposals
            )
            data = grid.to_numpy(dtype=float)
            image = ax.imshow(data, cmap="cividis", vmin=0, vmax=1, aspect="auto")
            for (i, j), v in np.ndenumerate(data):
                if np.isfinite(v):
                    colour = "w" if v < 0.6 else "k"
                    ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=5.5, color=colour)
            ax.set_xticks(range(len(proposals)), [_label(p, names) for p in proposals], rotation=60, ha="right")
            ax.set_yticks(range(len(who)), who)
            ax.set_title(stage)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
        assert image is not None
        bar = fig.colorbar(image, ax=list(axes), shrink=0.8)
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
