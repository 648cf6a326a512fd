r"""Analytic baselines: Coleman's power to act, Banzhaf indices, Wilson intervals.

A *weighted voting game* ``[q; w_1, ..., w_n]`` with an optional minimum number
of "yes" voters ``m`` adopts a proposal when the yes-voters ``S`` satisfy

.. math::

    \sum_{i \in S} w_i \ge q \quad\text{and}\quad |S| \ge m .

Under impartial (Penrose–Banzhaf) voting every member says yes independently
with probability 1/2, and Coleman's *power of a collectivity to act* is the
probability that the proposal passes,

.. math::

    A = \frac{\#\{S : S \text{ winning}\}}{2^n} .

Unanimity is ``[n; 1, ..., 1]``, so ``A = 2^{-n}``; consensus minus one is
``[n - 1; 1, ..., 1]``, giving ``A = (n + 1) / 2^n``.

:func:`passage_probability` computes ``A`` (and the passage probability for any
independent yes-probabilities ``p_i``) exactly by dynamic programming over the
joint distribution of (weight sum, number of yes votes): ``O(n^2 W)`` for total
integer weight ``W``, which is instantaneous for 50 members.  Non-integer weights
are scaled to integers first (:func:`integer_weights`).

References
----------
Coleman, J. S. (1971). Control of collectivities and the power of a
collectivity to act. In B. Lieberman (ed.), *Social Choice*, 269-300.
Banzhaf, J. F. (1965). Weighted voting doesn't work. *Rutgers Law Review* 19.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *JASA* 22, 209-212.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = [
    "banzhaf",
    "coleman_power",
    "integer_weights",
    "passage_probability",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]


def integer_weights(weights: Sequence[float], quota: float, max_denominator: int = 1000) -> tuple[list[int], int]:
    """Scale rational weights and quota to integers without changing the game.

    Each weight is read as a fraction with denominator at most
    ``max_denominator``; all are multiplied by the least common denominator.  The
    quota is rounded *up* after scaling (``sum >= q`` is the same condition on
    integer sums).
    """
    fracs = [Fraction(w).limit_denominator(max_denominator) for w in weights]
    qf = Fraction(quota).limit_denominator(max_denominator)
    lcd = math.lcm(*(f.denominator for f in [*fracs, qf]))
    ints = [int(f * lcd) for f in fracs]
    if any(w < 0 for w in ints):
        raise ValueError("weights must be non-negative")
    return ints, math.ceil(qf * lcd)


def _distribution(weights: Sequence[int], p: Sequence[float]) -> FloatArray:
    """Joint distribution ``P[count, weight sum]`` of the yes-voters."""
    n, total = len(weights), int(sum(weights))
    dist = np.zeros((n + 1, total + 1))
    dist[0, 0] = 1.0
    for i, (w, pi) in enumerate(zip(weights, p, strict=True)):
        new = dist * (1.0 - pi)
        new[1 : i + 2, w:] += pi * dist[: i + 1, : total + 1 - w]
        dist = new
    return dist


def passage_probability(
    weights: Sequence[float],
    quota: float,
    p: Sequence[float] | float = 0.5,
    min_members: int = 0,
) -> float:
    """Probability that the weighted game adopts, with independent yes-probabilities.

    Parameters
    ----------
    weights, quota
        The weighted game; non-integer values are scaled by :func:`integer_weights`.
    p
        Probability that each member votes yes (a scalar applies to all).
    min_members
        Minimum number of yes-voters.

    Returns
    -------
    float
        ``P(sum of yes weights >= quota and #yes >= min_members)``.
    """
    ints, q = integer_weights(weights, quota)
    probs = [float(p)] * len(ints) if isinstance(p, (int, float)) else [float(x) for x in p]
    if len(probs) != len(ints):
        raise ValueError("p must have one probability per member")
    dist = _distribution(ints, probs)
    return float(dist[max(min_members, 0) :, max(q, 0) :].sum())


def coleman_power(weights: Sequence[float], quota: float, min_members: int = 0) -> float:
    """Coleman's power of a collectivity to act: passage probability under impartial voting."""
    return passage_probability(weights, quota, 0.5, min_members)


def banzhaf(weights: Sequence[float], quota: float, min_members: int = 0, normalised: bool = True) -> FloatArray:
    """Banzhaf index of each member (exact, by dynamic programming).

    The raw index of ``i`` is the probability, under impartial voting of the
    others, that ``i`` is decisive: the others' votes make the proposal pass with
    ``i``'s yes and fail with its no.  ``normalised=True`` rescales the indices to
    sum to one (when any member is ever decisive).
    """
    ints, q = integer_weights(weights, quota)
    n = len(ints)
    out = np.zeros(n)
    for i in range(n):
        others = ints[:i] + ints[i + 1 :]
        dist = _distribution(others, [0.5] * (n - 1))
        counts = np.arange(n)[:, None]
        sums = np.arange(dist.shape[1])[None, :]
        with_i = (sums + ints[i] >= q) & (counts + 1 >= min_members)
        without_i = (sums >= q) & (counts >= min_members)
        out[i] = float(dist[with_i & ~without_i].sum())
    if normalised and out.sum() > 0:
        out = out / out.sum()
    return out


def wilson_interval(
    successes: int | npt.ArrayLike, trials: int | npt.ArrayLike, z: float = 1.959963984540054
) -> tuple[FloatArray, FloatArray]:
    r"""Wilson score interval for a binomial proportion (95% by default).

    .. math::

        \frac{\hat p + z^2/2n \pm z \sqrt{\hat p(1-\hat p)/n + z^2/4n^2}}{1 + z^2/n}
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = np.where(n > 0, k / n, 0.0)
        denom = 1.0 + z**2 / n
        centre = (phat + z**2 / (2 * n)) / denom
        half = z * np.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2)) / denom
    # The interval always contains the estimate; the clip removes rounding
    # residue such as a lower bound of 1e-19 when nothing succeeded.
    low = np.where(n > 0, np.clip(centre - half, 0.0, phat), 0.0)
    high = np.where(n > 0, np.clip(centre + half, phat, 1.0), 1.0)
    return low, high
