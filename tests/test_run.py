"""`scosim run` and the Python API: outputs, reproducibility to the byte, charts, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.ensemble import run_ensemble
from sim.evidence import Evidence
from sim.files import atomic_write
from sim.runner import MEMBER_COLUMNS, RESULT_COLUMNS, run
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
DEFAULT = ROOT / "scenarios" / "expansion_economic.toml"
CSVS = ("results.csv", "members.csv")
CHARTS = tuple(f"{stem}.{fmt}" for stem in ("pass_rates", "objections") for fmt in ("png", "pdf", "svg"))
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}


def _run(scenario: Path, out: Path, *extra: str) -> int:
    return main(["run", str(scenario), "--out", str(out), *extra])


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_runs(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _run(path, out, "--replications", "300") == 0
    assert "wrote" in capsys.readouterr().out
    results = pd.read_csv(out / "results.csv")
    members = pd.read_csv(out / "members.csv")
    scenario = load_scenario(path)
    assert list(results.columns) == list(RESULT_COLUMNS)
    assert list(members.columns) == list(MEMBER_COLUMNS)
    assert len(results) == len(scenario.stages) * len(scenario.rules) * len(scenario.proposals)
    assert len(members) == sum(len(s.members) for s in scenario.stages) * len(scenario.rules) * len(scenario.proposals)
    assert (results["replications"] == 300).all()
    assert ((results["ci_low"] <= results["pass_rate"]) & (results["pass_rate"] <= results["ci_high"])).all()
    shares = results[["full_rate", "watered_down_rate", "opt_out_rate", "blocked_rate"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)
    for chart in CHARTS:
        data = (out / chart).read_bytes()
        assert data.startswith(MAGIC[chart.rsplit(".", 1)[1]]), chart


def test_outputs_and_summary(evidence: Evidence, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _run(DEFAULT, out, "--replications", "500", "--seed", "11") == 0
    table = capsys.readouterr().out
    assert "development_bank" in table and "Coleman" in table
    assert sorted(p.name for p in out.iterdir()) == sorted([*CSVS, *CHARTS, "summary.json"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 11 and summary["scenario"]["seed"] == 11
    assert summary["replications"] == 500
    assert summary["scosim_version"] == sim.__version__
    assert summary["wall_time_s"] > 0
    assert "git_commit" in summary
    assert tuple(summary["scenario"]["stages"][0]["members"]) == evidence.stages["SCO-6"].members
    for name, digest in summary["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    results = pd.read_csv(out / "results.csv")
    assert results["coleman"].tolist()[:3] == [2.0**-6] * 3
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())


def test_same_seed_same_bytes_for_any_number_of_workers(tmp_path: Path) -> None:
    runs = {
        "a": [],
        "b": [],
        "w2": ["--workers", "2"],
    }
    for name, extra in runs.items():
        assert _run(DEFAULT, tmp_path / name, "--replications", "9000", "--no-charts", *extra) == 0
    for csv in CSVS:
        first = (tmp_path / "a" / csv).read_bytes()
        assert (tmp_path / "b" / csv).read_bytes() == first
        assert (tmp_path / "w2" / csv).read_bytes() == first
    assert _run(DEFAULT, tmp_path / "other", "--replications", "9000", "--no-charts", "--seed", "5") == 0
    assert (tmp_path / "other" / "results.csv").read_bytes() != (tmp_path / "a" / "results.csv").read_bytes()


def test_batching_and_executor_do_not_change_results(evidence: Evidence) -> None:
    scenario = load_scenario(DEFAULT, evidence).with_overrides(replications=9000)
    serial = run(scenario)
    per_chunk = run(scenario, chunks_per_batch=1)
    parallel = run(scenario, workers=2, chunks_per_batch=1)
    pd.testing.assert_frame_equal(serial.results, per_chunk.results, check_exact=True)
    pd.testing.assert_frame_equal(serial.results, parallel.results, check_exact=True)
    pd.testing.assert_frame_equal(serial.members, parallel.members, check_exact=True)


def test_a_row_is_reproduced_by_run_ensemble(evidence: Evidence) -> None:
    scenario = load_scenario(DEFAULT, evidence).with_overrides(replications=3000)
    result = run(scenario)
    row = result.results.iloc[4]  # SCO-8, development bank
    stage = scenario.stage(row["stage"])
    alone = run_ensemble(evidence, scenario.setting(stage, row["proposal"]), replications=3000, seed=scenario.seed)
    assert row["pass_rate"] == alone.pass_rate


def test_refuses_a_non_empty_directory_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert _run(DEFAULT, out, "-R", "100", "--no-charts") == 2
    assert capsys.readouterr().err.strip() == f"error: {out}: output directory is not empty (use --force to overwrite)"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert _run(DEFAULT, out, "-R", "100", "--no-charts", "--force") == 0
    assert (out / "results.csv").is_file() and (out / "notes.txt").read_text() == "mine"


def test_default_output_directory_is_results_slash_stem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(DEFAULT), "-R", "100", "--no-charts"]) == 0
    assert (tmp_path / "results" / "expansion_economic" / "results.csv").is_file()


def test_plot_redraws_the_same_charts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _run(DEFAULT, out, "-R", "200") == 0
    original = {c: (out / c).read_bytes() for c in CHARTS}
    for c in CHARTS:
        (out / c).unlink()
    assert main(["plot", str(out)]) == 0
    assert {c: (out / c).read_bytes() for c in CHARTS} == original


def test_plot_of_a_directory_without_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", str(tmp_path)]) == 2
    assert re.fullmatch(r"error: .*results\.csv: file not found .*\n", capsys.readouterr().err)


def test_explain_a_scenario_stage(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "scenarios" / "teaching_atlantis.toml"
    assert main(["explain", str(path), "--stage", "sco-10 + atlantis", "--proposal", "ferry_line"]) == 0
    text = capsys.readouterr().out
    assert "Caspian ferry line" in text and "atlantis" in text and "Round 1" in text
    assert main(["explain", str(path), "--proposal", "fta"]) == 2
    assert "--stage: choose a stage: SCO-10, SCO-10 + Atlantis" in capsys.readouterr().err
    assert (
        main(["explain", str(ROOT / "scenarios" / "rule_comparison.toml"), "--stage", "SCO-6", "--proposal", "fta"])
        == 2
    )
    assert "--rule: choose a rule" in capsys.readouterr().err


def test_atomic_write_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "results.csv"
    target.write_bytes(b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_importing_the_core_does_not_import_matplotlib() -> None:
    code = (
        "import sys, sim, sim.model, sim.ensemble, sim.runner, sim.scenario, sim.outputs; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_api_mirrors_the_cli(evidence: Evidence, tmp_path: Path) -> None:
    scenario = sim.load_scenario(DEFAULT).with_overrides(replications=400)
    result = sim.run(scenario)
    assert isinstance(result.results, pd.DataFrame) and isinstance(result.members, pd.DataFrame)
    sim.write_run(result, tmp_path / "api")
    saved = sim.read_run(tmp_path / "api")
    assert main(["run", str(DEFAULT), "-R", "400", "--out", str(tmp_path / "cli")]) == 0
    for csv in CSVS:
        assert (tmp_path / "api" / csv).read_bytes() == (tmp_path / "cli" / csv).read_bytes()
    fig = sim.plot_pass_rates(saved.results)
    assert fig.axes and fig.axes[0].get_ylabel().startswith("Pass rate")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = sim.nope  # type: ignore[attr-defined]
