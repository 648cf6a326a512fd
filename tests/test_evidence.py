"""Invariants of the evidence base (issue: foundation and evidence base)."""

from __future__ import annotations

import pytest

from sim.evidence import OUTCOMES, UNDOCUMENTED_MIN_WIDTH, Evidence

MEMBERS = [
    "china",
    "russia",
    "kazakhstan",
    "kyrgyzstan",
    "tajikistan",
    "uzbekistan",
    "india",
    "pakistan",
    "iran",
    "belarus",
]
OTHERS = ["mongolia", "afghanistan", "turkey", "azerbaijan", "egypt", "saudi_arabia", "qatar", "uae", "turkmenistan"]
REQUIRED_PROPOSALS = [
    "fta",
    "development_bank",
    "energy_club",
    "national_currency_settlement",
    "single_currency",
    "interbank_consortium",
    "rats",
    "extremism_convention",
    "protectionism_statement",
    "defence_terrorism_statement",
    "georgia_support",
    "us_withdrawal_timetable",
    "us_observer",
    "admission",
    "economic_framework",
    "trade_facilitation",
    "sco_university",
    "csto_merger",
    "bri_endorsement",
    "joint_exercises",
]


def test_all_required_states_present(evidence: Evidence) -> None:
    assert set(MEMBERS + OTHERS) <= set(evidence.members)


@pytest.mark.parametrize("mid", MEMBERS)
def test_members_are_members_in_2025(evidence: Evidence, mid: str) -> None:
    assert evidence.members[mid].status_on(2025) == "member"


@pytest.mark.parametrize(
    ("mid", "status"),
    [
        ("mongolia", "observer"),
        ("afghanistan", "observer"),
        ("turkey", "dialogue_partner"),
        ("azerbaijan", "dialogue_partner"),
        ("egypt", "dialogue_partner"),
        ("saudi_arabia", "dialogue_partner"),
        ("qatar", "dialogue_partner"),
        ("uae", "dialogue_partner"),
        ("turkmenistan", "guest"),
    ],
)
def test_status_of_non_members(evidence: Evidence, mid: str, status: str) -> None:
    assert evidence.members[mid].status_on(2025) == status


def test_afghanistan_is_inactive(evidence: Evidence) -> None:
    assert evidence.members["afghanistan"].active is False


def test_required_proposals_present(evidence: Evidence) -> None:
    assert set(REQUIRED_PROPOSALS) <= set(evidence.proposals)


def test_at_least_fifteen_events(evidence: Evidence) -> None:
    assert len(evidence.events) >= 15


def test_every_estimate_is_cited_or_marked(evidence: Evidence) -> None:
    """Every numeric parameter has a range and a citation, or an explicit not-documented mark."""
    for where, scale, est in evidence.iter_estimates():
        assert est.low <= est.value <= est.high, where
        lo, hi = evidence.scales[scale].bounds
        assert lo <= est.low and est.high <= hi, where
        if est.documented:
            assert est.cites, f"{where}: documented value without citation"
        else:
            assert est.width >= UNDOCUMENTED_MIN_WIDTH * evidence.scales[scale].width - 1e-9, where


def test_every_citation_resolves(evidence: Evidence) -> None:
    n = 0
    for where, cite in evidence.iter_citations():
        assert cite.source in evidence.sources, where
        assert cite.section in evidence.sources[cite.source].sections, where
        n += 1
    assert n > 300


def test_every_source_is_cited(evidence: Evidence) -> None:
    used = {c.source for _, c in evidence.iter_citations()}
    assert used == set(evidence.sources)


def test_source_files_exist(evidence: Evidence, seeds_dir) -> None:
    shared = seeds_dir.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for src in evidence.sources.values():
        assert (shared / src.file).is_file(), src.file


def test_events_reference_known_entries(evidence: Evidence) -> None:
    for e in evidence.events.values():
        assert e.proposal in evidence.proposals
        assert e.outcome in OUTCOMES
        assert set(e.members) <= set(evidence.members)
        assert set(e.blockers) <= set(e.members)
        assert set(e.opt_outs) <= set(e.members)
        assert not set(e.candidates) & set(e.members)


def test_events_members_were_members_then(evidence: Evidence) -> None:
    for e in evidence.events.values():
        for mid in e.members:
            since = evidence.members[mid].member_since
            assert since is not None and int(since[:4]) <= e.year, (e.id, mid)


@pytest.mark.parametrize(
    ("stage", "year", "n"), [("SCO-6", 2001, 6), ("SCO-8", 2017, 8), ("SCO-9", 2023, 9), ("SCO-10", 2024, 10)]
)
def test_stage_presets_match_accession_dates(evidence: Evidence, stage: str, year: int, n: int) -> None:
    s = evidence.stage(stage)
    assert s.year == year
    assert len(s.members) == n
    # exactly the states that were members at the end of that year
    assert set(s.members) == set(evidence.members_on(year))
    # and the preset year is the year the newest member joined
    assert max(int(evidence.members[m].member_since[:4]) for m in s.members) == year


def test_member_lookup_by_name_and_id(evidence: Evidence) -> None:
    assert evidence.member("Saudi Arabia").id == "saudi_arabia"
    assert evidence.member("saudi_arabia").id == "saudi_arabia"
    assert evidence.member("UNITED ARAB EMIRATES").id == "uae"


def test_shifts_apply_from_their_year(evidence: Evidence) -> None:
    russia = evidence.member("russia")
    assert russia.parameters(2010)["positions.trade"].value == pytest.approx(-0.3)
    assert russia.parameters(2015)["positions.trade"].value == pytest.approx(-0.1)
    assert russia.parameters(2023)["positions.trade"].value == pytest.approx(0.2)
    assert russia.parameters(2023)["relative_gains"].value < russia.parameters(2016)["relative_gains"].value


def test_relations_shift(evidence: Evidence) -> None:
    assert (
        evidence.relations_of("india", "china", 2018)["rivalry"]
        < evidence.relations_of("india", "china", 2021)["rivalry"]
    )
    assert evidence.relations_of("china", "india", 2018)["rivalry"] > 0  # symmetric
    assert evidence.relations_of("china", "kazakhstan", 2018)["rivalry"] == 0  # directed the other way


def test_named_blockers(evidence: Evidence) -> None:
    blocked = {e.id: e.blockers for e in evidence.events.values() if e.outcome == "blocked"}
    assert blocked["2016_fta"] == ("russia",)
    assert blocked["2008_georgia_support"] == ("china",)
    assert blocked["2025_defence_terrorism_statement"] == ("india",)


def test_every_member_profile_covers_every_dimension(evidence: Evidence) -> None:
    for m in evidence.members.values():
        assert set(m.positions) == set(evidence.dimension_ids)
        assert set(m.salience) == set(evidence.dimension_ids)


def test_russian_names_present(evidence: Evidence) -> None:
    for mid in MEMBERS:
        assert all("А" <= ch <= "я" or ch in "Ёё " for ch in evidence.members[mid].name_ru)
