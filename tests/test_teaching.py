"""The numbers quoted in the teaching exercises are the numbers the model gives."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sim.draws import Setting
from sim.ensemble import EnsembleResult, run_ensemble
from sim.evidence import Evidence
from sim.rules import make_rule
from sim.runner import cells, run
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "docs" / "teaching").glob("0*.md"))


def _checks(path: Path) -> tuple[str, list[dict[str, Any]]]:
    text = path.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(# checks.*?)```", text, flags=re.S)
    assert block, f"{path.name} has no checks block"
    notes = text.split("## Instructor notes", 1)[1].split("```toml", 1)[0]
    return " ".join(notes.split()), tomllib.loads(block.group(1))["check"]


def _ensemble(ev: Evidence, check: dict[str, Any]) -> EnsembleResult:
    if "scenario" in check:
        scenario = load_scenario(ROOT / check["scenario"], ev)
        result = run(scenario)
        return next(
            res
            for cell, res in zip(cells(scenario), result.ensembles, strict=True)
            if cell.stage.label == check["stage"] and cell.proposal == check["proposal"]
        )
    stage = ev.stages[check["stage"]]
    members = tuple(m for m in stage.members if m not in check.get("remove", [])) + tuple(check.get("add", []))
    return run_ensemble(
        ev,
        Setting(members, check["proposal"], check.get("year", stage.year)),
        replications=check.get("replications", 20000),
        seed=check.get("seed", 2024),
        rule=make_rule(check.get("rule", "sco_consensus"), members),
        negotiation=check.get("negotiation", True),
    )


def _value(res: EnsembleResult, quantity: str) -> float:
    if quantity == "pass_rate":
        return res.pass_rate
    name, member = quantity.split(":")
    return float(res.member_rates()[member][name])


def test_there_are_at_least_four_exercises_with_their_parts() -> None:
    assert len(EXERCISES) >= 4
    for path in EXERCISES:
        text = path.read_text(encoding="utf-8")
        for part in ("## Learning goals", "## Steps", "## Questions", "## Instructor notes"):
            assert part in text, f"{path.name}: {part}"


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_quoted_numbers_are_what_the_model_gives(path: Path, evidence: Evidence) -> None:
    notes, checks = _checks(path)
    assert checks
    for check in checks:
        quote = check["quote"]
        assert quote in notes, f"{path.name}: {quote!r} is not quoted in the instructor notes"
        number = re.search(r"(\d+\.\d)%", quote)
        assert number, quote
        got = f"{100 * _value(_ensemble(evidence, check), check['quantity']):.1f}"
        assert got == number.group(1), f"{path.name}: {quote!r} but the model gives {got}%"
