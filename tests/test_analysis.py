"""Analytic baselines: exact Coleman power, Banzhaf indices, Wilson intervals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.analysis import banzhaf, coleman_power, integer_weights, passage_probability, wilson_interval


def brute_force(weights: list[float], quota: float, p: list[float], min_members: int = 0) -> float:
    total = 0.0
    for bits in itertools.product((0, 1), repeat=len(weights)):
        if sum(b * w for b, w in zip(bits, weights, strict=True)) >= quota and sum(bits) >= min_members:
            total += float(np.prod([pi if b else 1 - pi for b, pi in zip(bits, p, strict=True)]))
    return total


@pytest.mark.parametrize("n", [1, 2, 6, 10, 20])
def test_unanimity_is_two_to_minus_n(n: int) -> None:
    assert coleman_power([1] * n, n) == pytest.approx(2.0**-n, rel=1e-12)


@pytest.mark.parametrize("n", [3, 6, 10])
def test_consensus_minus_one(n: int) -> None:
    assert coleman_power([1] * n, n - 1) == pytest.approx((n + 1) / 2**n, rel=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_dynamic_programming_matches_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    weights = [float(w) for w in rng.integers(1, 6, n)]
    quota = float(rng.integers(1, int(sum(weights)) + 1))
    p = [float(x) for x in rng.uniform(0.05, 0.95, n)]
    m = int(rng.integers(0, n + 1))
    assert passage_probability(weights, quota, p, m) == pytest.approx(brute_force(weights, quota, p, m), abs=1e-12)


def test_fractional_weights_are_scaled_exactly() -> None:
    ints, q = integer_weights([0.5, 1.5, 1.0], 1.75)
    assert ints == [2, 6, 4]
    assert q == 7
    assert coleman_power([0.5, 1.5, 1.0], 1.75) == pytest.approx(brute_force([0.5, 1.5, 1.0], 1.75, [0.5] * 3))


def test_fifty_members() -> None:
    weights = list(range(1, 51))
    a = coleman_power(weights, 0.6 * sum(weights))
    assert 0.0 < a < 0.5


def test_banzhaf_symmetric_and_dictator() -> None:
    assert banzhaf([1, 1, 1], 2) == pytest.approx([1 / 3] * 3)
    assert banzhaf([5, 1, 1], 5) == pytest.approx([1.0, 0.0, 0.0])


def test_banzhaf_matches_enumeration() -> None:
    w, q = [4, 3, 2, 1], 6
    raw = banzhaf(w, q, normalised=False)
    for i in range(4):
        others = [x for j, x in enumerate(w) if j != i]
        swings = sum(
            1
            for bits in itertools.product((0, 1), repeat=3)
            if sum(b * x for b, x in zip(bits, others, strict=True)) + w[i] >= q
            and sum(b * x for b, x in zip(bits, others, strict=True)) < q
        )
        assert raw[i] == pytest.approx(swings / 8)


def test_wilson_interval() -> None:
    lo, hi = wilson_interval(0, 100)
    assert lo == pytest.approx(0.0, abs=1e-12)
    assert 0.03 < hi < 0.04
    lo, hi = wilson_interval(50, 100)
    assert lo == pytest.approx(1 - hi)
    lo, hi = wilson_interval(np.array([1, 9]), np.array([10, 10]))
    assert lo[0] == pytest.approx(1 - hi[1])
