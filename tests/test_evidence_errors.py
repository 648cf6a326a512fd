"""Each loader error names the file, the entry and the field (broken copies of the data)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.errors import EvidenceError
from sim.evidence import load_evidence

Edit = Callable[[str, str, str], Path]

CASES = [
    # (file, old text, new text, expected message)
    pytest.param(
        "events.toml",
        'blockers = ["russia"]\nbasis = "recorded"\ncite = ["olczak2025 § Economic Cooperation"]',
        'blockers = ["rusia"]\nbasis = "recorded"\ncite = ["olczak2025 § Economic Cooperation"]',
        r"events\.toml: 2016_fta: blockers\[0\]: unknown member 'rusia': did you mean 'russia'",
        id="unknown-member-in-event",
    ),
    pytest.param(
        "events.toml",
        'proposal = "georgia_support"',
        'proposal = "georgia_suport"',
        r"events\.toml: 2008_georgia_support: proposal: unknown proposal 'georgia_suport': "
        r"did you mean 'georgia_support'",
        id="unknown-proposal-in-event",
    ),
    pytest.param(
        "events.toml",
        'id = "2017_extremism_convention"\nyear = 2017\nmembers = "SCO-8"',
        'id = "2017_extremism_convention"\nyear = 2017\nmembers = "SCO-7"',
        r"events\.toml: 2017_extremism_convention: members: unknown stage 'SCO-7'",
        id="unknown-stage-in-event",
    ),
    pytest.param(
        "stages.toml",
        'members = ["china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"]',
        'members = ["china", "russia", "kazakstan", "kyrgyzstan", "tajikistan", "uzbekistan"]',
        r"stages\.toml: SCO-6: members\[2\]: unknown member 'kazakstan': did you mean 'kazakhstan'",
        id="unknown-member-in-stage",
    ),
    pytest.param(
        "members/china.toml",
        "[capability]\nvalue = 1.0\nlow = 0.9\nhigh = 1.0",
        "[capability]\nvalue = 0.95\nlow = 1.0\nhigh = 0.9",
        r"members/china\.toml: china: capability: range low 1\.0 is greater than high 0\.9",
        id="low-greater-than-high",
    ),
    pytest.param(
        "members/russia.toml",
        "[capability]\nvalue = 0.8",
        "[capability]\nvalue = 0.5",
        r"members/russia\.toml: russia: capability: value 0\.5 lies outside its range \[0\.6, 0\.95\]",
        id="value-outside-range",
    ),
    pytest.param(
        "members/india.toml",
        'trade = { value = 0.2, low = -0.2, high = 0.5, cite = ["olczak2025 § Different aspirations"], note',
        "trade = { value = 0.2, low = -0.2, high = 0.5, cite = [], note",
        r"members/india\.toml: india: positions\.trade: missing citation",
        id="missing-citation",
    ),
    pytest.param(
        "members/kazakhstan.toml",
        'cite = ["olczak2025 § Limited achievements"]\n\n[[outside_options]]\norg = "bilateral"',
        'cite = ["olczack2025 § Limited achievements"]\n\n[[outside_options]]\norg = "bilateral"',
        r"members/kazakhstan\.toml: kazakhstan: outside_options\[1\]\.cite: citation to unknown source 'olczack2025': "
        r"did you mean 'olczak2025'",
        id="unknown-source-key",
    ),
    pytest.param(
        "proposals.toml",
        'effects.trade = { value = 0.9, low = 0.7, high = 1.0, cite = ["anniv2022 § 2.3 A new',
        'effects.trade = { value = 0.9, low = 0.7, high = 1.0, cite = ["anniv2022 § 2.3 A novel',
        r"proposals\.toml: fta: effects\.trade\.cite: source 'anniv2022' has no section",
        id="unknown-section",
    ),
    pytest.param(
        "proposals.toml",
        'cite = ["olczak2025 § Limited achievements"]\nsovereignty_cost = { value = 0.05',
        'cite = ["olczak2025 Limited achievements"]\nsovereignty_cost = { value = 0.05',
        r"proposals\.toml: radicalisation_statement: cite: citation .* is not of the form 'KEY § Section'",
        id="malformed-citation",
    ),
    pytest.param(
        "members/iran.toml",
        'name_ru = "Иран"',
        'name_ru = "Иран"\ncolour = "green"',
        r"members/iran\.toml: iran: colour: unknown key \(allowed: .*name_ru",
        id="unknown-key",
    ),
    pytest.param(
        "members/belarus.toml",
        "[capability]\ndocumented = false",
        "[capability]\ndocumented = false\nvalue = 0.15\nlow = 0.1\nhigh = 0.2",
        r"members/belarus\.toml: belarus: capability: a value marked not documented needs a wide range",
        id="undocumented-range-too-narrow",
    ),
    pytest.param(
        "members/uzbekistan.toml",
        "multipolarity = { value = 0.0,",
        "multipolarity_x = { value = 0.0,",
        r"members/uzbekistan\.toml: uzbekistan: positions\.multipolarity_x: unknown dimension",
        id="unknown-dimension",
    ),
    pytest.param(
        "members/china.toml",
        'field = "positions.multipolarity"',
        'field = "positions.multipolarty"',
        r"members/china\.toml: china: shifts\[0\]\.field: unknown field 'positions\.multipolarty'",
        id="unknown-shift-field",
    ),
    pytest.param(
        "members/pakistan.toml",
        'status = "applicant"',
        'status = "candidate"',
        r"members/pakistan\.toml: pakistan: status\[1\]\.status: must be 'member', 'observer'",
        id="bad-status",
    ),
    pytest.param(
        "events.toml",
        'proposal = "shanghai_convention"\noutcome = "adopted_all"',
        'proposal = "shanghai_convention"\noutcome = "watered"',
        r"events\.toml: 2001_shanghai_convention: outcome: must be 'adopted_all'",
        id="bad-outcome",
    ),
    pytest.param(
        "relations.toml",
        'a = "russia"\nb = "china"\nkind = "rivalry"',
        'a = "russia"\nb = "chna"\nkind = "rivalry"',
        r"relations\.toml: russia-chna \(rivalry\): b: unknown member 'chna'",
        id="unknown-member-in-relation",
    ),
    pytest.param(
        "members/turkey.toml",
        'since = "2013-04-26"',
        'since = "26 April 2013"',
        r"members/turkey\.toml: turkey: status\[0\]\.since: date '26 April 2013' must be YYYY",
        id="bad-date",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), CASES)
def test_loader_error_names_file_entry_field(edit: Edit, file: str, old: str, new: str, message: str) -> None:
    root = edit(file, old, new)
    with pytest.raises(EvidenceError, match=message):
        load_evidence(root)


def test_invalid_toml_reports_line_and_column(edit: Edit) -> None:
    root = edit("stages.toml", 'id = "SCO-9"', 'id = "SCO-9')
    with pytest.raises(EvidenceError, match=r"stages\.toml: not valid TOML: .*\(at line \d+, column \d+\)"):
        load_evidence(root)


def test_missing_file(seeds_copy: Path) -> None:
    (seeds_copy / "events.toml").unlink()
    with pytest.raises(EvidenceError, match=r"events\.toml: file not found"):
        load_evidence(seeds_copy)


def test_error_message_is_one_line(edit: Edit) -> None:
    root = edit("members/russia.toml", "[capability]\nvalue = 0.8", "[capability]\nvalue = 0.5")
    with pytest.raises(EvidenceError) as info:
        load_evidence(root)
    assert "\n" not in str(info.value)
    assert re.match(r"^members/russia\.toml: russia: capability: ", str(info.value))
