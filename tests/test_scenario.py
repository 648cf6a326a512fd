"""Scenario files: validation errors, resolution, and the scenarios shipped in scenarios/."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from sim.cli import main
from sim.evidence import Evidence
from sim.rules import QualifiedMajority
from sim.scenario import load_scenario, parse_scenario, scenario_schema

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

TOP = """\
name = "test"
seed = 1
replications = 50
proposals = ["fta"]
"""
STAGE = """
[[stages]]
preset = "SCO-6"
"""
BASE = TOP + STAGE


def top(extra: str) -> str:
    """BASE with top-level keys added (before the first table)."""
    return TOP + extra + STAGE


# Each case: a complete scenario file, and the message that must follow "error: FILE: ".
MALFORMED = [
    pytest.param(top("rule = sco_consensus\n"), r"not valid TOML: Invalid value \(at line 5, column 8\)", id="toml"),
    pytest.param(top("replication = 10\n"), r"replication: unknown key \(allowed: name, description, seed,", id="key"),
    pytest.param(BASE.replace("seed = 1\n", ""), r"seed: required key is missing", id="no-seed"),
    pytest.param(BASE.replace("seed = 1", 'seed = "1"'), r"seed: must be a whole number \(got '1'\)", id="seed-str"),
    pytest.param(BASE.replace("seed = 1", "seed = -4"), r"seed: must be greater than or equal to 0", id="seed-neg"),
    pytest.param(
        BASE.replace("replications = 50", "replications = 0"),
        r"replications: must be greater than or equal to 1 \(got 0\)",
        id="reps-zero",
    ),
    pytest.param(
        BASE.replace("replications = 50", "replications = 2.5"),
        r"replications: must be a whole number",
        id="reps-float",
    ),
    pytest.param(
        BASE.replace('["fta"]', '["ftaa"]'),
        r"proposals\[0\]: unknown proposal 'ftaa': did you mean 'fta'",
        id="proposal",
    ),
    pytest.param(BASE.replace('["fta"]', "[]"), r"proposals: List should have at least 1 item", id="no-proposals"),
    pytest.param(
        BASE.replace('preset = "SCO-6"', 'label = "x"\nyear = 2020\nmembers = ["China", "Russia", "Turky"]'),
        r"stages\[0\]\.members\[2\]: unknown state 'Turky': did you mean 'Turkey'\?",
        id="member",
    ),
    pytest.param(
        BASE.replace('"SCO-6"', '"SCO-11"'), r"stages\[0\]\.preset: unknown stage 'SCO-11': did you mean", id="preset"
    ),
    pytest.param(
        BASE.replace('preset = "SCO-6"', 'label = "alone"\nyear = 2020\nmembers = ["China"]'),
        r"stages\[0\]\.members: a stage needs at least two members \(got 1\)",
        id="one-member",
    ),
    pytest.param(
        BASE.replace('preset = "SCO-6"', 'preset = "SCO-6"\nmember = ["India"]'),
        r"stages\[0\]\.member: unknown key \(allowed: preset, label, year, members, add, remove, candidates\)",
        id="stage-key",
    ),
    pytest.param(
        BASE.replace('preset = "SCO-6"', 'preset = "SCO-6"\nmembers = ["China", "Russia"]'),
        r"stages\[0\]: give either `preset` or `members`",
        id="preset-and-members",
    ),
    pytest.param(
        BASE + '\n[[stages]]\npreset = "SCO-6"\n', r"stages\[1\]\.label: two stages are labelled 'SCO-6'", id="dup"
    ),
    pytest.param(
        top('rule = "consensus"\n'),
        r"rule: must be 'sco_consensus', 'unanimity', 'consensus_minus_one' or 'simple_majority' \(got 'consensus'\)",
        id="rule",
    ),
    pytest.param(
        BASE + '[rule]\nkind = "qualified_majority"\nweights = { China = 3, Russia = 3 }\nquota = 4\n',
        r"rule\.weights: no weight for kazakhstan, kyrgyzstan, tajikistan, uzbekistan in stage 'SCO-6'",
        id="weights",
    ),
    pytest.param(
        BASE + '[rule]\nkind = "qualified_majority"\nweights = "equal"\n',
        r"rule\.quota: give exactly one of `quota`",
        id="quota",
    ),
    pytest.param(
        top('preferences = "random"\n'), r"preferences: must be 'documents' or 'impartial' \(got 'random'\)", id="prefs"
    ),
    pytest.param(top('negotiation = "yes"\n'), r"negotiation: must be true or false \(got 'yes'\)", id="negotiation"),
    pytest.param(
        BASE.replace('["fta"]', '["admission"]'),
        r"stages\[0\]\.candidates: the admission proposal 'admission' needs at least one candidate",
        id="candidates",
    ),
    pytest.param(
        BASE + '\n[[members]]\nname = "Atlantis"\npositions = { trad = 0.5 }\n',
        r"members\[0\]\.positions\.trad: unknown dimension \(allowed: trade, finance,",
        id="custom-dimension",
    ),
    pytest.param(
        BASE + '\n[[members]]\nname = "Atlantis"\ncapability = 1.5\n',
        r"members\[0\]\.capability: range \[1\.5, 1\.5\] leaves the capability scale \(allowed: \[0\.0, 1\.0\]\)",
        id="custom-range",
    ),
    pytest.param(
        BASE + '\n[[members]]\nname = "India"\n',
        r"members\[0\]\.name: 'India' is already a state in the evidence base",
        id="custom-clash",
    ),
    pytest.param(
        BASE + '\n[[custom_proposals]]\nid = "ferry"\nname = "Ferry"\neffects = { trade = 0.2 }\n',
        r"custom_proposals\[0\]\.id: 'ferry' is declared but not listed in `proposals`",
        id="custom-unlisted",
    ),
    pytest.param(
        BASE + "\n[constants]\nmax_rounds = 0\n",
        r"constants\.max_rounds: must be greater than or equal to 1",
        id="const",
    ),
    pytest.param(BASE.split("[[stages]]")[0], r"stages: required key is missing", id="no-stages"),
]


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_scenario_is_one_clean_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = _run_cli(["run", str(path), "--out", str(out)], capsys)
    assert code == 2
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in stderr
    assert not out.exists()


def test_at_least_fifteen_distinct_malformed_files() -> None:
    assert len({p.values[0] for p in MALFORMED}) >= 15


def test_validate_command_reports_the_same_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace('["fta"]', '["ftaa"]'), encoding="utf-8")
    code, _, err = _run_cli(["validate", str(path)], capsys)
    assert code == 2
    assert err.strip() == f"error: {path}: proposals[0]: unknown proposal 'ftaa': did you mean 'fta'?"


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run_cli(["validate", str(tmp_path / "nope.toml")], capsys)
    assert code == 2
    assert err.strip().endswith("nope.toml: scenario file not found")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenarios_validate(path: Path, evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(path, evidence)
    assert scenario.stages and scenario.proposals and scenario.rules
    assert _run_cli(["validate", str(path)], capsys)[0] == 0
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, scenario_schema())


def test_there_are_the_required_scenarios() -> None:
    stems = {p.stem for p in SCENARIOS}
    assert {
        "expansion_economic",
        "security_declaratory",
        "rule_comparison",
        "enlargement_hypothetical",
        "teaching_atlantis",
    } <= stems


def test_schema_command_prints_a_json_schema_that_rejects_bad_documents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run_cli(["schema"], capsys)
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    with pytest.raises(jsonschema.ValidationError, match="'seed' is a required property"):
        jsonschema.validate({"name": "x", "proposals": ["fta"], "stages": [{"preset": "SCO-6"}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**tomllib.loads(BASE), "rule": "consensus"}, schema)


def test_presets_resolve_to_the_evidence_stages(evidence: Evidence) -> None:
    sc = parse_scenario(BASE + '\n[[stages]]\npreset = "sco-10"\n', evidence=evidence)
    assert [s.label for s in sc.stages] == ["SCO-6", "SCO-10"]
    assert sc.stages[1].members == evidence.stages["SCO-10"].members
    assert sc.stages[1].year == 2024


def test_preset_can_be_extended_and_names_are_case_insensitive(evidence: Evidence) -> None:
    text = BASE.replace(
        'preset = "SCO-6"', 'preset = "SCO-10"\nlabel = "plus"\nyear = 2026\nadd = ["turkey", "Saudi Arabia"]'
    )
    stage = parse_scenario(text, evidence=evidence).stages[0]
    assert stage.members[-2:] == ("turkey", "saudi_arabia")
    assert stage.year == 2026
    removed = parse_scenario(
        BASE.replace('preset = "SCO-6"', 'preset = "SCO-8"\nlabel = "minus"\nremove = ["Pakistan"]'), evidence=evidence
    )
    assert "pakistan" not in removed.stages[0].members


def test_weighted_rule_per_stage(evidence: Evidence) -> None:
    text = BASE + '\n[[stages]]\npreset = "SCO-8"\n\n[rule]\nkind = "qualified_majority"\nweights = "capability"\n'
    sc = parse_scenario(text + "quota_share = 0.5\n", evidence=evidence)
    rules = sc.rules[0].per_stage
    assert all(isinstance(r, QualifiedMajority) for r in rules)
    six, eight = rules
    assert isinstance(six, QualifiedMajority) and isinstance(eight, QualifiedMajority)
    assert len(six.weights) == 6 and len(eight.weights) == 8
    assert six.quota == pytest.approx(0.5 * sum(six.weights))
    assert six.weights[0] == evidence.members["china"].capability.value


def test_several_rules_need_distinct_labels(evidence: Evidence) -> None:
    sc = parse_scenario(top('rule = ["sco_consensus", "unanimity"]\n'), evidence=evidence)
    assert sc.rule_labels == ("sco_consensus", "unanimity")
    with pytest.raises(Exception, match=r"rule\[1\]: two rules are labelled 'unanimity'"):
        parse_scenario(top('rule = ["unanimity", { kind = "unanimity" }]\n'), evidence=evidence)


def test_custom_member_and_proposal_extend_a_copy_of_the_evidence(evidence: Evidence) -> None:
    sc = load_scenario(ROOT / "scenarios" / "teaching_atlantis.toml", evidence)
    atlantis = sc.evidence.members["atlantis"]
    assert atlantis.capability.value == 0.05 and atlantis.capability.width == 0
    assert not atlantis.capability.documented
    prior = evidence.scales["salience"].prior
    assert (atlantis.salience["energy"].low, atlantis.salience["energy"].high) == (prior[1], prior[2])
    assert sc.evidence.proposals["fta"].gains["atlantis"].value == 0.3
    assert sc.evidence.proposals["ferry_line"].sponsors == ("atlantis",)
    assert any(r.a == "atlantis" and r.b == "china" and r.kind == "rivalry" for r in sc.evidence.relations)
    assert "atlantis" not in evidence.members and "ferry_line" not in evidence.proposals
    assert "atlantis" not in evidence.proposals["fta"].gains


def test_overrides(evidence: Evidence) -> None:
    sc = parse_scenario(BASE, evidence=evidence)
    assert sc.with_overrides(seed=9, replications=7).seed == 9
    with pytest.raises(Exception, match="replications: must be between 1 and"):
        sc.with_overrides(replications=0)
