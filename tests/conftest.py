"""Shared fixtures: the real evidence base and writable copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.evidence import Evidence, default_seeds_dir, load_evidence


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return default_seeds_dir()


@pytest.fixture(scope="session")
def evidence(seeds_dir: Path) -> Evidence:
    return load_evidence(seeds_dir)


@pytest.fixture
def seeds_copy(tmp_path: Path, seeds_dir: Path) -> Path:
    """A writable copy of the evidence base."""
    dest = tmp_path / "seeds"
    shutil.copytree(seeds_dir, dest)
    return dest


@pytest.fixture
def edit(seeds_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace exactly one occurrence of a text in a file of the seeds copy."""

    def _edit(rel: str, old: str, new: str) -> Path:
        path = seeds_copy / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return seeds_copy

    return _edit
