"""Result directories: atomic writes, byte-stable CSVs, and reading them back.

A run directory holds

``results.csv``
    one row per stage × proposal (:data:`~sim.runner.RESULT_COLUMNS`);
``members.csv``
    one row per stage × proposal × member (:data:`~sim.runner.MEMBER_COLUMNS`);
``pass_rates.{png,pdf,svg}``, ``objections.{png,pdf,svg}``
    the charts (:mod:`sim.plotting`);
``summary.json``
    the resolved scenario, seed, versions, git commit, wall time and the
    SHA-256 of every file; written last, so its presence marks a complete run.

Every file is written to a temporary name in the same directory and renamed
into place (``os.replace`` is atomic on POSIX and Windows), so an interrupted
run never leaves a half-written file.  CSVs are formatted with a fixed number
of significant digits and LF line ends: the same scenario and seed give
the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.files import atomic_write
from sim.runner import MEMBER_COLUMNS, RESULT_COLUMNS, ScenarioRun

__all__ = [
    "CHART_FORMATS",
    "ExperimentOutput",
    "SavedRun",
    "atomic_write",
    "check_output_dir",
    "csv_bytes",
    "git_commit",
    "read_run",
    "write_charts",
    "write_run",
]

CHART_FORMATS = ("png", "pdf", "svg")
FLOAT_FORMAT = "%.6g"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Format a table as CSV: six significant digits, empty cells for NaN, LF line ends."""
    return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n").encode("utf-8")


def check_output_dir(out: Path, *, force: bool) -> None:
    """Refuse a non-empty output directory unless ``force``; refuse a path that is a file."""
    if out.exists() and not out.is_dir():
        raise InputError(out, None, None, "output path exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(out, None, None, "output directory is not empty (use --force to overwrite)")


def git_commit() -> str | None:
    """Commit of the source checkout this package runs from (``+dirty`` if modified), or ``None``."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "") if head else None


def write_charts(
    results: pd.DataFrame,
    members: pd.DataFrame,
    out: Path,
    names: Mapping[str, str] | None = None,
    title: str = "",
) -> dict[str, bytes]:
    """Draw the run's charts and write them in every format; return the bytes written by file name.

    ``names`` maps proposal ids to display names; ``title`` heads the pass-rate chart.
    """
    from sim import plotting  # matplotlib is imported only when charts are drawn

    written: dict[str, bytes] = {}
    for stem, fig in (
        ("pass_rates", plotting.plot_pass_rates(results, names=names, title=title)),
        ("objections", plotting.plot_objections(members, names=names)),
    ):
        for fmt in CHART_FORMATS:
            data = plotting.figure_bytes(fig, fmt)
            atomic_write(out / f"{stem}.{fmt}", data)
            written[f"{stem}.{fmt}"] = data
        plotting.close(fig)
    return written


def write_run(run: ScenarioRun, out: str | Path, *, force: bool = False, charts: bool = True) -> Path:
    """Write a run's tables, charts and ``summary.json`` to ``out`` (created if needed).

    Raises
    ------
    InputError
        If ``out`` is not empty and ``force`` is false (nothing is written).
    """
    out = Path(out)
    check_output_dir(out, force=force)
    out.mkdir(parents=True, exist_ok=True)
    files = {"results.csv": csv_bytes(run.results), "members.csv": csv_bytes(run.members)}
    for name, data in files.items():
        atomic_write(out / name, data)
    names = {pid: run.scenario.evidence.proposals[pid].name for pid in run.scenario.proposals}
    if charts:
        # Draw from the CSVs as written, so that `scosim plot` redraws the very same bytes.
        results, members = (_read_csv(io.BytesIO(files[name])) for name in ("results.csv", "members.csv"))
        files |= write_charts(results, members, out, names, run.scenario.name)
    summary = run.summary() | {
        "proposal_names": names,
        "git_commit": git_commit(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    atomic_write(out / "summary.json", (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode())
    return out


def _read_csv(source: Path | io.BytesIO) -> pd.DataFrame:
    return pd.read_csv(source, keep_default_na=False, na_values=[""])


@dataclass(frozen=True)
class SavedRun:
    """A run read back from its directory."""

    path: Path
    results: pd.DataFrame
    members: pd.DataFrame
    summary: Mapping[str, Any]

    def chart_options(self) -> dict[str, Any]:
        """Display names and title recorded by the run, so that redrawn charts match the originals."""
        scenario = self.summary.get("scenario") or {}
        return {"names": self.summary.get("proposal_names") or {}, "title": scenario.get("name", "")}


def read_run(path: str | Path) -> SavedRun:
    """Read ``results.csv``, ``members.csv`` and ``summary.json`` from a run directory.

    Raises
    ------
    InputError
        If a file is missing or lacks a documented column.
    """
    path = Path(path)
    if not path.is_dir():
        raise InputError(path, None, None, "not a directory (give the output directory of `scosim run`)")
    frames = []
    for name, columns in (("results.csv", RESULT_COLUMNS), ("members.csv", MEMBER_COLUMNS)):
        file = path / name
        if not file.is_file():
            raise InputError(file, None, None, "file not found (is this the output directory of `scosim run`?)")
        try:
            frame = _read_csv(file)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(file, None, None, f"not a readable CSV file: {exc}") from None
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(file, None, missing[0], f"column is missing (expected: {', '.join(columns)})")
        frames.append(frame)
    summary_file = path / "summary.json"
    summary: dict[str, Any] = {}
    if summary_file.is_file():
        try:
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(summary_file, None, None, f"not valid JSON: {exc}") from None
    return SavedRun(path, frames[0], frames[1], summary)


def _latex_text(text: str) -> str:
    """Escape the characters that are special in LaTeX running text."""
    for char in "&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


class ExperimentOutput:
    """The output directory of a paper experiment, and a record of everything written to it.

    Figures go out as PDF, SVG and 300-dpi PNG; the data behind them and every
    table as CSV (:func:`csv_bytes`: byte-stable); tables also as LaTeX with
    booktabs rules.  :meth:`finish` writes ``provenance.json`` last: the
    experiment, its scenario and settings, seed, replications, versions, git
    commit, wall time and the SHA-256 of every file.  Every write is atomic.

    Parameters
    ----------
    name
        The experiment's name.
    out
        Its directory (created if needed).
    """

    def __init__(self, name: str, out: str | Path) -> None:
        self.name = name
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, bytes] = {}
        self._started = time.perf_counter()

    def _write(self, name: str, data: bytes) -> Path:
        path = self.out / name
        atomic_write(path, data)
        self.files[name] = data
        return path

    def data(self, frame: pd.DataFrame, stem: str) -> Path:
        """Write a table of data as ``stem.csv``."""
        return self._write(f"{stem}.csv", csv_bytes(frame))

    def table(self, frame: pd.DataFrame, stem: str, caption: str, float_format: str = "{:.3f}") -> None:
        """Write a table as ``stem.csv`` and as a booktabs LaTeX ``stem.tex`` with its caption."""
        self.data(frame, stem)
        numbers = frame.select_dtypes("number").columns
        styler = frame.style.hide(axis="index").format(escape="latex")
        styler = styler.format(float_format, subset=[c for c in numbers if frame[c].dtype.kind == "f"], na_rep="--")
        styler = styler.format_index(lambda c: _latex_text(str(c).replace("_", " ")), axis="columns")
        latex = styler.to_latex(
            hrules=True,
            caption=_latex_text(caption),
            label=f"tab:{self.name}-{stem}".replace("_", "-"),
            position_float="centering",
        )
        self._write(f"{stem}.tex", latex.encode("utf-8"))

    def figure(self, fig: Any, stem: str) -> None:
        """Write a figure as ``stem.pdf``, ``stem.svg`` and ``stem.png`` (300 dpi)."""
        from sim import plotting

        for fmt in ("pdf", "svg", "png"):
            self._write(f"{stem}.{fmt}", plotting.figure_bytes(fig, fmt, dpi=300))
        plotting.close(fig)

    def arrays(self, stem: str, **arrays: Any) -> None:
        """Write arrays (for example sampled parameter sets) as a compressed ``stem.npz``."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        self._write(f"{stem}.npz", buffer.getvalue())

    def finish(self, **record: Any) -> Path:
        """Write ``provenance.json``: ``record`` plus versions, git commit, wall time and file hashes."""
        from sim import __version__

        provenance = {
            "experiment": self.name,
            **record,
            "scosim_version": __version__,
            "numpy_version": np.__version__,
            "git_commit": git_commit(),
            "wall_time_s": round(time.perf_counter() - self._started, 3),
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(self.files.items())},
        }
        text = json.dumps(provenance, indent=2, ensure_ascii=False, default=str) + "\n"
        return self._write("provenance.json", text.encode("utf-8"))
