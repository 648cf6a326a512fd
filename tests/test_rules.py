"""Decision rules on fixed stance arrays."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import InputError
from sim.rules import (
    ConsensusMinusOne,
    QualifiedMajority,
    ScoConsensus,
    SimpleMajority,
    Unanimity,
    make_rule,
    pivotal,
)
from sim.rules import Stance as S


def cols(*columns: list[int]) -> np.ndarray:
    """Stances with one column per replication."""
    return np.array(columns, dtype=np.int8).T


STANCES = cols(
    [S.SUPPORT, S.SUPPORT, S.SUPPORT],  # all support
    [S.SUPPORT, S.ABSTAIN, S.OPT_OUT],  # reservations only
    [S.SUPPORT, S.OBJECT, S.SUPPORT],  # one objection
    [S.SUPPORT, S.OBJECT, S.OBJECT],  # two objections
    [S.ABSTAIN, S.ABSTAIN, S.ABSTAIN],  # nobody supports
)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (ScoConsensus(), [True, True, False, False, False]),
        (Unanimity(), [True, False, False, False, False]),
        (ConsensusMinusOne(), [True, True, True, False, False]),
        (SimpleMajority(), [True, False, True, False, False]),
        (QualifiedMajority(weights=(3, 1, 1), quota=3), [True, True, True, True, False]),
        (QualifiedMajority(weights=(3, 1, 1), quota=3, min_members=2), [True, False, True, False, False]),
    ],
)
def test_rules_on_fixed_stances(rule, expected: list[bool]) -> None:
    assert rule.adopted(STANCES).tolist() == expected


def test_capability_quota() -> None:
    rule = QualifiedMajority(weights=(1, 1, 1), quota=2, capability_quota=0.6)
    cap = np.array([[0.1], [0.2], [0.7]])
    assert rule.adopted(cols([S.SUPPORT, S.SUPPORT, S.OBJECT]), cap).tolist() == [False]
    assert rule.adopted(cols([S.SUPPORT, S.OBJECT, S.SUPPORT]), cap).tolist() == [True]
    # winning: {1,3}, {2,3}, {1,2,3}; {1,2} has only 30% of capability
    assert rule.coleman(3, [0.1, 0.2, 0.7]) == pytest.approx(3 / 8)


def test_pivotal_under_consensus() -> None:
    piv = pivotal(ScoConsensus(), STANCES)
    assert piv[:, 2].tolist() == [False, True, False]  # the lone objector
    assert piv[:, 3].tolist() == [False, False, False]  # two objectors: neither alone decides
    assert not piv[:, :2].any()


def test_pivotal_under_consensus_minus_one() -> None:
    piv = pivotal(ConsensusMinusOne(), STANCES)
    assert piv[:, 3].tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("rule", "n", "expected"),
    [
        (ScoConsensus(), 6, 1 / 64),
        (Unanimity(), 4, 1 / 16),
        (ConsensusMinusOne(), 4, 5 / 16),
        (SimpleMajority(), 3, 0.5),
    ],
)
def test_coleman_of_named_rules(rule, n: int, expected: float) -> None:
    assert rule.coleman(n) == pytest.approx(expected)


def test_make_rule() -> None:
    assert make_rule("unanimity").name == "unanimity"
    rule = make_rule({"kind": "qualified_majority", "weights": {"a": 2, "b": 1}, "quota": 2}, ["a", "b"])
    assert isinstance(rule, QualifiedMajority)
    assert rule.weights == (2.0, 1.0)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("unanimty", "unknown rule 'unanimty': did you mean 'unanimity'"),
        ("qualified_majority", "needs a \\[rule\\] table"),
        ({"kind": "qualified_majority", "weights": {"a": 1}, "quota": 1}, "no weight for b"),
    ],
)
def test_make_rule_errors(spec, message: str) -> None:
    with pytest.raises(InputError, match=message):
        make_rule(spec, ["a", "b"])
