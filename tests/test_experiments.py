"""Every paper experiment at a tiny size: the files it writes, their kinds, columns and provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from experiments import NAMES
from sim.cli import main

TINY = {
    "expansion": ["-R", "40"],
    "rules": ["-R", "40"],
    "veto_players": ["-R", "40"],
    "backtest": ["-R", "40"],
    "sensitivity": ["-N", "8"],
    "synthetic": ["-R", "40", "--max-members", "6"],
}
FIGURES = {
    "expansion": ["headline", "headline_log", "breakdown", "all_proposals"],
    "rules": ["pass_rates", "costs"],
    "veto_players": ["objections", "pivotal", "pivotality"],
    "backtest": ["reliability"],
    "sensitivity": ["sobol"],
    "synthetic": ["decline"],
}
COLUMNS = {
    "expansion": {"headline.csv": ["stage", "n_members", "proposal", "pass_rate", "ci_low", "ci_high", "coleman"]},
    "rules": {"costs.csv": ["stage", "rule", "proposal", "pass_rate", "outvoted_share", "opt_out_share"]},
    "veto_players": {"pivotality.csv": ["stage", "member", "pivotal_rate", "objection_rate", "n_members"]},
    "backtest": {
        "events.csv": ["year", "event", "recorded", "p_full", "p_blocked", "model", "hit"],
        "scores.csv": ["forecast", "events", "hits", "accuracy", "brier"],
        "reliability.csv": ["bin_low", "bin_high", "count", "mean_forecast", "observed", "ci_low", "ci_high"],
    },
    "sensitivity": {"indices.csv": ["proposal", "group", "S1", "S1_conf", "ST", "ST_conf"]},
    "synthetic": {"decline.csv": ["series", "n_members", "pass_rate", "ci_low", "ci_high"]},
}
TABLES = {
    "expansion": ["headline_table"],
    "rules": ["answer"],
    "veto_players": ["pivotality_table"],
    "backtest": ["events", "scores"],
    "sensitivity": ["top_groups"],
    "synthetic": ["decay"],
}
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}


def test_every_experiment_is_covered() -> None:
    assert set(TINY) == set(NAMES) == set(FIGURES) == set(COLUMNS) == set(TABLES)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_experiment_writes_what_it_documents(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / name
    assert main(["experiment", name, "--out", str(out), "--seed", "3", *TINY[name]]) == 0
    assert str(out) in capsys.readouterr().out
    for stem in FIGURES[name]:
        for fmt, magic in MAGIC.items():
            data = (out / f"{stem}.{fmt}").read_bytes()
            assert data.startswith(magic) and len(data) > 1000, f"{stem}.{fmt}"
    for csv, columns in COLUMNS[name].items():
        frame = pd.read_csv(out / csv)
        assert not frame.empty
        assert set(columns) <= set(frame.columns), csv
    for stem in TABLES[name]:
        assert (out / f"{stem}.csv").is_file()
        tex = (out / f"{stem}.tex").read_text()
        assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex and r"\caption{" in tex
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["experiment"] == name
    assert provenance["seed"] == 3
    for key in ("scenario", "replications", "scosim_version", "git_commit", "wall_time_s", "files"):
        assert key in provenance, key
    assert provenance["wall_time_s"] > 0
    written = {p.name for p in out.iterdir()} - {"provenance.json"}
    assert set(provenance["files"]) == written
    for file, digest in provenance["files"].items():
        assert hashlib.sha256((out / file).read_bytes()).hexdigest() == digest


@pytest.mark.slow
def test_experiment_csvs_are_byte_identical_on_a_second_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for run in ("a", "b"):
        assert main(["experiment", "rules", "--out", str(tmp_path / run), "-R", "60", "--workers", "2"]) == 0
        assert main(["experiment", "sensitivity", "--out", str(tmp_path / f"s{run}"), "-N", "8"]) == 0
    for first, second in (("a", "b"), ("sa", "sb")):
        csvs = sorted(p.name for p in (tmp_path / first).glob("*.csv"))
        assert csvs
        for csv in csvs:
            assert (tmp_path / first / csv).read_bytes() == (tmp_path / second / csv).read_bytes(), csv


def test_unknown_experiment_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "expanson"]) == 2
    assert (
        capsys.readouterr().err.strip() == "error: experiment: unknown experiment 'expanson': did you mean 'expansion'?"
    )


def test_backtest_scores_against_baselines() -> None:
    from experiments.backtest import scores
    from sim.backtest import run_backtest
    from sim.evidence import load_evidence

    rows = run_backtest(load_evidence(), replications=500, seed=2024)
    table = scores(rows).set_index("forecast")
    model = table.loc["scosim"]
    assert model["accuracy"] >= 0.8
    for name in table.index[1:]:
        assert model["brier"] < table.loc[name, "brier"]
        assert model["accuracy"] > table.loc[name, "accuracy"]
    coleman = table.loc["Coleman null model"]
    assert coleman["hits"] == sum(r.recorded == "blocked" for r in rows)


def test_spatial_model_statistics() -> None:
    """One member supports a random proposal with probability p; two members are positively correlated."""
    import numpy as np

    from sim.spatial import spatial_passes

    rng = np.random.default_rng(7)
    n = 200_000
    one = spatial_passes(1, n, rng) / n
    two = spatial_passes(2, n, rng) / n
    se_two = (two * (1 - two) / n) ** 0.5
    assert 0.15 < one < 0.18  # about 0.163 for six dimensions
    assert two > one**2 + 4 * se_two  # support is correlated through the common proposal
    assert spatial_passes(3, 1000, np.random.default_rng(1)) == spatial_passes(3, 1000, np.random.default_rng(1))
