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
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

__all__ = [
    "DOUBLE_COLUMN",
    "OKABE_ITO",
    "SINGLE_COLUMN",
    "close",
    "figure_bytes",
    "plot_breakdown",
    "plot_decline",
    "plot_objections",
    "plot_pass_heatmap",
    "plot_pass_rates",
    "plot_reliability",
    "plot_rule_costs",
    "plot_sobol",
    "plot_stage_heatmap",
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
    log: bool = False,
    xlabel: str | None = None,
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
    log
        Logarithmic y axis (pass rates of zero are not drawn), to compare with
        Coleman's geometric decline.
    xlabel
        Label of the x axis (default: "Membership stage").
    """
    rules = _rules(results)
    proposals = [str(p) for p in dict.fromkeys(results["proposal"])]
    with _style():
        if len(rules) == 1:
            fig, ax = _axes(ax, (width, width * 0.5))
            for pid in proposals:
                _draw_series(ax, results[results["proposal"] == pid], _label(pid, names), log)
            _draw_coleman(ax, results, "Coleman (impartial)", "0.35")
            _stage_axis(ax, results, log=log, xlabel=xlabel)
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
                    line = _draw_series(panel, of_prop[of_prop["rule"] == rule], rule.replace("_", " "), log)
                    _draw_coleman(panel, of_prop[of_prop["rule"] == rule], None, line)
                _stage_axis(panel, of_prop, narrow=True, log=log, xlabel=xlabel)
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


def _draw_series(ax: Axes, rows: pd.DataFrame, label: str, log: bool = False) -> str:
    x = np.arange(len(rows))
    rate, low, high = (100 * rows[c].to_numpy(dtype=float) for c in ("pass_rate", "ci_low", "ci_high"))
    if log:  # zero has no place on a log axis: leave those stages out
        rate, low, high = (np.where(rate > 0, v, np.nan) for v in (rate, low, high))
    (line,) = ax.plot(x, rate, marker="o", ms=3, lw=1.2, label=label)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.25, lw=0)
    return str(line.get_color())


def _draw_coleman(ax: Axes, rows: pd.DataFrame, label: str | None, colour: str) -> None:
    per_stage = rows.drop_duplicates("stage")
    x = np.arange(len(per_stage))
    marker = "x" if label else None
    ax.plot(x, 100 * per_stage["coleman"], ls="--", color=colour, lw=0.8, marker=marker, ms=3, label=label)


def _stage_axis(
    ax: Axes, rows: pd.DataFrame, narrow: bool = False, log: bool = False, xlabel: str | None = None
) -> None:
    per_stage = rows.drop_duplicates("stage")
    stages, counts = list(per_stage["stage"]), per_stage["n_members"].astype(int)
    crowded = narrow or len(stages) > 5
    ticks = [f"{s} ({k})" if crowded else f"{s}\n({k} members)" for s, k in zip(stages, counts, strict=True)]
    ax.set_xticks(np.arange(len(stages)), ticks, rotation=35 if crowded else 0, ha="right" if crowded else "center")
    ax.set_xlim(-0.3, len(stages) - 0.7)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 150)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    else:
        ax.set_ylim(-2, 102)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_ylabel("Pass rate (% of replications" + (", log scale)" if log else ")"))
    ax.set_xlabel(
        textwrap.fill(xlabel, 100) if xlabel else ("Membership stage (members)" if crowded else "Membership stage")
    )
    ax.grid(axis="y", lw=0.4, color="0.9")


def _rate_image(ax: Axes, data: np.ndarray, annotate: bool, fontsize: float) -> AxesImage:
    """Draw rates in [0, 1] as a frameless cividis heatmap, optionally printing each cell in percent."""
    image = ax.imshow(data, cmap="cividis", vmin=0, vmax=1, aspect="auto")
    if annotate:
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v):
                colour = "w" if v < 0.6 else "k"
                ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=fontsize, color=colour)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


def _rate_colorbar(fig: Figure, image: AxesImage, axes: Axes | list[Axes], label: str) -> None:
    """Add a percent colour bar for rates in [0, 1]."""
    bar = fig.colorbar(image, ax=axes, shrink=0.6)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    bar.set_label(f"{label} (% of replications)")


def plot_objections(
    members: pd.DataFrame,
    *,
    stages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    value: str = "objection_rate",
    width: float = DOUBLE_COLUMN,
    columns: int = 5,
    annotate: bool | None = None,
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
    annotate
        Print the values in the cells (default: when a panel has at most 8 proposals).
    """
    order = list(stages) if stages is not None else list(dict.fromkeys(members["stage"]))
    rules = _rules(members)
    panels = [(rule, stage) for rule in rules for stage in order]
    proposals = [str(p) for p in dict.fromkeys(members["proposal"])]
    who = [str(m) for m in dict.fromkeys(members[members["stage"].isin(order)]["member"])]
    ncols = min(columns, len(order))
    nrows = -(-len(panels) // ncols)
    crowded = len(proposals) > 8  # then short ids, on one line each, instead of wrapped names
    ticks = proposals if crowded else [_label(p, names) for p in proposals]
    label_height = 0.3 + 0.055 * max(len(line) for t in ticks for line in t.splitlines())
    with _style():
        fig = Figure(figsize=(width, nrows * (0.45 + 0.13 * len(who)) + label_height), layout="constrained")
        grid = fig.subplots(nrows, ncols, squeeze=False).ravel()
        image = None
        for k, (ax, (rule, stage)) in enumerate(zip(grid, panels, strict=False)):
            rows = _of_rule(members, rule)
            rows = rows[rows["stage"] == stage]
            table = rows.pivot_table(index="member", columns="proposal", values=value, sort=False)
            data = table.reindex(index=who, columns=proposals).to_numpy(dtype=float)
            image = _rate_image(ax, data, annotate if annotate is not None else not crowded, fontsize=5)
            ax.set_title(f"{stage}\n{rule.replace('_', ' ')}" if len(rules) > 1 else stage, fontsize=7)
            ax.set_yticks(range(len(who)), who)
            ax.set_xticks(
                range(len(proposals)), ticks, rotation=90 if crowded else 60, ha="center" if crowded else "right"
            )
            ax.tick_params(length=0, labelbottom=k + ncols >= len(panels), labelleft=k % ncols == 0)
        for ax in grid[len(panels) :]:
            ax.set_visible(False)
        assert image is not None
        _rate_colorbar(fig, image, list(grid[: len(panels)]), value.replace("_", " ").capitalize())
    return fig


def plot_breakdown(
    results: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    width: float = DOUBLE_COLUMN,
    xlabel: str | None = None,
) -> Figure:
    """How proposals pass: full, watered down or with opt-outs, stacked by stage; one panel per proposal.

    Parameters
    ----------
    results
        Rows of ``results.csv`` (one rule): ``stage``, ``n_members``, ``proposal``,
        ``full_rate``, ``watered_down_rate``, ``opt_out_rate``.
    names
        Display names by proposal id.
    width
        Figure width in inches.
    xlabel
        Label of the x axis.
    """
    proposals = [str(p) for p in dict.fromkeys(results["proposal"])]
    parts = (("full_rate", "adopted in full"), ("watered_down_rate", "watered down"), ("opt_out_rate", "with opt-outs"))
    with _style():
        fig = Figure(figsize=(width, 0.8 + 2.0 * len(proposals)), layout="constrained")
        axes = fig.subplots(len(proposals), 1, sharex=True, squeeze=False)[:, 0]
        for ax, pid in zip(axes, proposals, strict=True):
            rows = results[results["proposal"] == pid]
            x = np.arange(len(rows))
            bottom = np.zeros(len(rows))
            for (column, label), colour in zip(parts, OKABE_ITO[::2], strict=False):
                height = 100 * rows[column].to_numpy(dtype=float)
                ax.bar(x, height, bottom=bottom, color=colour, width=0.7, label=label)
                bottom += height
            ax.set_title(_label(pid, names, width=80), loc="left")
            _stage_axis(ax, rows, xlabel=xlabel)
            ax.set_ylim(0, 100)
            ax.set_ylabel("Share of replications (%)")
        axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        for ax in axes[:-1]:
            ax.set_xlabel("")
    return fig


def plot_pass_heatmap(
    results: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Pass rate of every proposal (rows) at every stage (columns), as a heatmap with the values printed.

    Parameters
    ----------
    results
        Rows of ``results.csv`` (one rule): ``stage``, ``n_members``, ``proposal``, ``pass_rate``.
    names
        Display names by proposal id.
    width
        Figure width in inches.
    """
    labelled = results.assign(proposal=[_label(str(p), names, width=60) for p in results["proposal"]])
    return plot_stage_heatmap(labelled, row="proposal", value="pass_rate", label="Pass rate", width=width)


def plot_stage_heatmap(
    frame: pd.DataFrame,
    *,
    row: str,
    value: str,
    label: str,
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Draw a heatmap of ``value`` (a rate in [0, 1]): one row per ``row``, one column per stage.

    Parameters
    ----------
    frame
        Columns ``stage``, ``n_members``, ``row`` and ``value``; rows and
        stages are shown in order of first appearance, missing cells blank.
    row, value
        Column names.
    label
        Name of the quantity, for the colour bar.
    width
        Figure width in inches.
    """
    stages = list(dict.fromkeys(frame["stage"]))
    rows = [str(r) for r in dict.fromkeys(frame[row])]
    grid = frame.pivot_table(index=row, columns="stage", values=value, sort=False)
    data = grid.reindex(index=rows, columns=stages).to_numpy(dtype=float)
    counts = frame.drop_duplicates("stage").set_index("stage")["n_members"].reindex(stages).astype(int)
    with _style():
        fig = Figure(figsize=(width, 1.0 + 0.24 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        image = _rate_image(ax, data, annotate=True, fontsize=5.5)
        ticks = [f"{s} ({k})" for s, k in zip(stages, counts, strict=True)]
        ax.set_xticks(range(len(stages)), ticks, rotation=35, ha="right")
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xlabel("Membership stage (members)")
        ax.tick_params(length=0)
        _rate_colorbar(fig, image, ax, label)
    return fig


def plot_rule_costs(
    costs: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Pass rate and its cost under each rule: members outvoted and members opting out.

    Parameters
    ----------
    costs
        One row per rule and proposal (one stage): ``rule``, ``proposal``,
        ``pass_rate``, ``ci_low``, ``ci_high``, ``outvoted_share``, ``opt_out_share``
        (mean share of the members outvoted, or staying out, per replication).
    names
        Display names by proposal id.
    width
        Figure width in inches.
    """
    rules = [str(r) for r in dict.fromkeys(costs["rule"])]
    proposals = [str(p) for p in dict.fromkeys(costs["proposal"])]
    panels = (
        ("pass_rate", "Pass rate (% of replications)"),
        ("outvoted_share", "Members outvoted (% of members)"),
        ("opt_out_share", "Members opting out (% of members)"),
    )
    step = 0.8 / len(proposals)
    with _style():
        fig = Figure(figsize=(width, 2.6), layout="constrained")
        axes = fig.subplots(1, len(panels), sharex=True)
        for ax, (column, label) in zip(axes, panels, strict=True):
            for k, pid in enumerate(proposals):
                rows = costs[costs["proposal"] == pid].set_index("rule").reindex(rules)
                x = np.arange(len(rules)) - 0.4 + step * (k + 0.5)
                value = 100 * rows[column].to_numpy(dtype=float)
                if column == "pass_rate":
                    error = 100 * np.abs(rows[["ci_low", "ci_high"]].to_numpy(dtype=float).T - value / 100)
                    ax.bar(
                        x, value, width=step, yerr=error, capsize=1.5, error_kw={"lw": 0.6}, label=_label(pid, names)
                    )
                else:
                    ax.bar(x, value, width=step, label=_label(pid, names))
            ax.set_xticks(range(len(rules)), [r.replace("_", " ") for r in rules], rotation=35, ha="right")
            ax.set_ylabel(label)
            ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
            ax.set_ylim(0, 100)
            ax.grid(axis="y", lw=0.4, color="0.9")
        axes[-1].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.supxlabel("Decision rule", fontsize=STYLE["axes.labelsize"])
    return fig


def plot_reliability(bins: pd.DataFrame, *, width: float = SINGLE_COLUMN) -> Figure:
    """Reliability diagram: observed frequency against forecast probability, with 95% intervals.

    Parameters
    ----------
    bins
        One row per probability bin: ``mean_forecast``, ``observed``,
        ``ci_low``, ``ci_high`` (Wilson interval of the observed frequency)
        and ``count`` (forecasts in the bin).
    width
        Figure width in inches (one journal column by default).
    """
    with _style():
        fig, ax = _axes(None, (width, width))
        ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=0.8, label="perfect calibration")
        rows = bins[bins["count"] > 0]
        error = np.abs(rows[["ci_low", "ci_high"]].to_numpy(dtype=float).T - rows["observed"].to_numpy(dtype=float))
        ax.errorbar(
            rows["mean_forecast"], rows["observed"], yerr=error, fmt="o", ms=3, lw=0.8, capsize=2, label="model"
        )
        for _, r in rows.iterrows():
            ax.annotate(
                f"n={int(r['count'])}",
                (r["mean_forecast"], r["observed"]),
                xytext=(4, -8),
                textcoords="offset points",
                fontsize=5.5,
                color="0.3",
            )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("Forecast probability of the outcome")
        ax.set_ylabel("Observed frequency of the outcome")
        ax.legend(loc="upper left")
        ax.set_aspect("equal")
    return fig


def plot_sobol(
    indices: pd.DataFrame,
    *,
    top: int = 10,
    names: Mapping[str, str] | None = None,
    width: float = DOUBLE_COLUMN,
) -> Figure:
    """Draw the most influential parameter groups per proposal: first-order and total Sobol indices, 95% intervals.

    Parameters
    ----------
    indices
        One row per proposal and parameter group: ``proposal``, ``group``,
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of bootstrap
        intervals).  A proposal whose output never varied has NaN indices and
        is shown with a note instead of bars.
    top
        Groups shown per proposal, by total index.
    names
        Display names by proposal id.
    width
        Figure width in inches.
    """
    proposals = [str(p) for p in dict.fromkeys(indices["proposal"])]
    with _style():
        fig = Figure(figsize=(width, 0.6 + 0.16 * top * 1.1), layout="constrained")
        axes = fig.subplots(1, len(proposals), squeeze=False)[0]
        for ax, pid in zip(axes, proposals, strict=True):
            rows = indices[indices["proposal"] == pid]
            ax.set_title(_label(pid, names, width=40))
            if rows["ST"].isna().all():
                ax.text(
                    0.5,
                    0.5,
                    "no variance:\nthe outcome is the same\nin every sampled set",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                    fontsize=7,
                    color="0.3",
                )
                ax.set_axis_off()
                continue
            rows = rows.sort_values("ST", ascending=False, kind="stable").head(top).iloc[::-1]
            y = np.arange(len(rows))
            ax.barh(
                y + 0.2,
                rows["ST"],
                height=0.4,
                xerr=rows["ST_conf"],
                label="total (ST)",
                color=OKABE_ITO[0],
                error_kw={"lw": 0.6},
            )
            ax.barh(
                y - 0.2,
                rows["S1"],
                height=0.4,
                xerr=rows["S1_conf"],
                label="first order (S1)",
                color=OKABE_ITO[4],
                error_kw={"lw": 0.6},
            )
            ax.set_yticks(y, rows["group"])
            ax.set_xlim(0, 1.05)
            ax.set_xlabel("Sobol index (share of variance)")
            ax.grid(axis="x", lw=0.4, color="0.9")
        handles = [ax for ax in axes if ax.axison]
        if handles:
            handles[-1].legend(loc="lower right")
    return fig


def plot_decline(curves: pd.DataFrame, *, width: float = DOUBLE_COLUMN) -> Figure:
    """Pass rate against the number of members, on a log scale, for several models.

    Parameters
    ----------
    curves
        One row per series and member count: ``series``, ``n_members``,
        ``pass_rate``, ``ci_low``, ``ci_high``.  A series named
        ``impartial (2^-n)`` is drawn as an exact dashed line.  Pass rates of
        zero are not drawn (they lie below the resolution of the ensemble).
    width
        Figure width in inches.
    """
    with _style():
        fig, ax = _axes(None, (width, width * 0.5))
        for name, rows in curves.groupby("series", sort=False):
            n = rows["n_members"].to_numpy(dtype=float)
            rate, low, high = (100 * rows[c].to_numpy(dtype=float) for c in ("pass_rate", "ci_low", "ci_high"))
            if str(name).startswith("impartial"):
                ax.plot(n, rate, ls="--", color="0.2", lw=1, label=str(name))
                continue
            keep = rate > 0
            (line,) = ax.plot(n[keep], rate[keep], marker="o", ms=2.5, lw=1.1, label=str(name))
            ax.fill_between(n[keep], low[keep], high[keep], color=line.get_color(), alpha=0.25, lw=0)
        ax.set_yscale("log")
        ax.set_ylim(1e-6, 150)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
        ax.set_xlabel("Number of members")
        ax.set_ylabel("Pass rate (% of replications, log scale)")
        ax.grid(axis="y", lw=0.4, color="0.9")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
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
