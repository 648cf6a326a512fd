"""Checkpoints: finished batches of a run, kept on disk so that an interrupted run can resume.

A run cut into batches (:func:`~sim.ensemble.plan_batches`) writes each
finished batch's chunk tallies to ``OUT/.chunks/cell-C-batch-B.npz`` as soon as
it completes, atomically.  ``OUT/.chunks/manifest.json`` records a fingerprint
of everything that determines the tallies (the resolved scenario, seed,
replications, chunking and scosim version), so a resume never mixes batches of
two different runs.  Because every chunk is seeded by its spawn key and tallies
are summed in chunk order, a resumed run gives the same bytes as an
uninterrupted one.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from sim import __version__
from sim.ensemble import CHUNK_SIZE, Tally
from sim.errors import InputError
from sim.files import atomic_write

__all__ = ["CHECKPOINT_DIR", "Checkpoint", "RunInterrupted", "fingerprint"]

CHECKPOINT_DIR = ".chunks"
"""Name of the checkpoint folder inside a run's output directory."""

_SUMS = ("depth_sum", "side_sum")


class RunInterrupted(Exception):
    """A run stopped on request before every batch finished; the finished ones are kept."""

    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__(f"{done} of {total} batches finished")


def fingerprint(record: dict[str, Any]) -> str:
    """SHA-256 of a JSON record (keys sorted)."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


class Checkpoint:
    """The finished batches of one run, in ``directory`` (usually ``OUT/.chunks``).

    Parameters
    ----------
    directory
        Where the batches go.
    record
        What determines the tallies; its fingerprint guards against resuming
        a different run.
    resume
        Keep batches already there (their fingerprint must match); otherwise
        start afresh, removing them.
    """

    def __init__(self, directory: str | Path, record: dict[str, Any], *, resume: bool) -> None:
        self.directory = Path(directory)
        self.record = {**record, "scosim_version": __version__, "chunk_size": CHUNK_SIZE}
        self.key = fingerprint(self.record)
        manifest = self.directory / "manifest.json"
        if resume and manifest.is_file():
            found = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
            if found != self.key:
                raise InputError(
                    self.directory.parent,
                    None,
                    None,
                    "holds the finished batches of a different run (scenario, seed, replications or version "
                    "differ); use --force instead of --resume to start over",
                )
        elif self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"fingerprint": self.key, "run": self.record}, indent=2, default=str) + "\n"
        atomic_write(manifest, text.encode("utf-8"))

    def _path(self, cell: int, batch: int) -> Path:
        return self.directory / f"cell-{cell}-batch-{batch}.npz"

    def save(self, cell: int, batch: int, tallies: Sequence[Tally]) -> None:
        """Store the chunk tallies of one finished batch (atomically)."""
        arrays: dict[str, np.ndarray] = {
            "replications": np.array([t.replications for t in tallies], dtype=np.int64),
            "outcomes": np.stack([t.outcomes for t in tallies]),
        }
        for name in Tally.MEMBER_COUNTS:
            arrays[name] = np.stack([getattr(t, name) for t in tallies])
        for name in _SUMS:
            arrays[name] = np.array([getattr(t, name) for t in tallies], dtype=np.float64)
        buffer = io.BytesIO()
        np.savez(buffer, **cast(dict[str, Any], arrays))
        atomic_write(self._path(cell, batch), buffer.getvalue())

    def load(self, cell: int, batch: int) -> list[Tally] | None:
        """Return the chunk tallies of a batch finished earlier, or ``None``."""
        path = self._path(cell, batch)
        if not path.is_file():
            return None
        with np.load(path) as data:
            out = []
            for k in range(len(data["replications"])):
                t = Tally(n_members=data["support"].shape[1], replications=int(data["replications"][k]))
                t.outcomes = data["outcomes"][k].copy()
                for name in Tally.MEMBER_COUNTS:
                    setattr(t, name, data[name][k].copy())
                for name in _SUMS:
                    setattr(t, name, float(data[name][k]))
                out.append(t)
        return out

    def clear(self) -> None:
        """Remove the checkpoint (after the run's outputs are written)."""
        shutil.rmtree(self.directory, ignore_errors=True)
