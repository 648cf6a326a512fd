"""The backtest against the recorded events (acceptance of the negotiation model)."""

from __future__ import annotations

import re

import pytest

from sim.backtest import RECORDED_TO_MODEL, brier, run_backtest, summary_line
from sim.cli import main
from sim.evidence import OUTCOMES, Evidence


@pytest.fixture(scope="module")
def rows(evidence: Evidence):
    return run_backtest(evidence, replications=1500, seed=2024)


def test_every_event_is_replayed(evidence: Evidence, rows) -> None:
    assert {r.event.id for r in rows} == set(evidence.events)
    for r in rows:
        assert sum(r.probabilities.values()) == pytest.approx(1.0)


def test_accuracy_at_least_85_percent(rows) -> None:
    hits = sum(r.hit for r in rows)
    assert hits / len(rows) >= 0.85, [r.event.id for r in rows if not r.hit]


def test_named_blockers_are_the_most_frequent_objectors(rows) -> None:
    named = [r for r in rows if r.event.blockers]
    assert len(named) >= 4
    assert all(r.blockers_match for r in named), [(r.event.id, r.top_objectors) for r in named if not r.blockers_match]


def test_recorded_outcomes_map_onto_model_outcomes() -> None:
    assert set(RECORDED_TO_MODEL) == set(OUTCOMES)


def test_brier_score() -> None:
    assert brier({"full": 1.0, "watered_down": 0.0, "opt_out": 0.0, "blocked": 0.0}, "full") == 0.0
    assert brier({"full": 1.0, "watered_down": 0.0, "opt_out": 0.0, "blocked": 0.0}, "blocked") == 2.0
    assert brier({"full": 0.25, "watered_down": 0.25, "opt_out": 0.25, "blocked": 0.25}, "full") == pytest.approx(0.75)


def test_summary_line_format(rows) -> None:
    assert re.fullmatch(r"accuracy: \d+/\d+ \(\d+%\)  brier: \d\.\d{3}", summary_line(rows))


def test_cli_backtest_last_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "-R", "400", "--width", "200"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"accuracy: \d+/\d+ \(\d+%\)  brier: \d\.\d{3}", last)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["simulate", "fta", "--stage", "SCO-6", "-R", "500"], "pass rate"),
        (["simulate", "fta", "-R", "500", "--impartial", "--no-negotiation", "--rule", "unanimity"], "Coleman"),
        (["explain", "admission", "--stage", "SCO-6", "--year", "2015", "--candidates", "india"], "Round 1"),
        (["expansion", "-R", "300", "--proposals", "fta"], "SCO-10"),
    ],
)
def test_cli_model_commands(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert main([*argv, "--width", "200"]) == 0
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["simulate", "fta", "--stage", "SCO-11"], "unknown stage 'SCO-11'"),
        (["simulate", "ftaa"], "unknown proposal 'ftaa'"),
        (["explain", "admission"], "an admission needs at least one candidate"),
        (["simulate", "fta", "--rule", "majority"], "unknown rule 'majority'"),
        (["simulate", "fta", "-R", "0"], "must be at least 1"),
    ],
)
def test_cli_model_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
