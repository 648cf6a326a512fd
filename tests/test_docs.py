"""The worked examples in the documentation run and say what they claim."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(markdown: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.slow
def test_python_md_worked_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(ROOT / "docs" / "python.md")
    assert len(blocks) >= 5
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), namespace)
    for name in ("pass_rates.pdf", "objections.svg", "pass_rates_single_column.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "results" / "notebook" / "summary.json").is_file()
