r"""The summit's negotiation protocol: chair rotation and the sponsor's concessions.

At a summit the sponsor tables the proposal and every member states a stance.
While objections block adoption and rounds are left, the sponsor makes one
concession per round, the first of these that is available (in each
replication separately):

1. **opt-out** — turn the proposal into a project of the interested members,
   where it admits one (the Charter's "interested member states" clause);
2. **side payments** — pay the cheapest set of hold-outs whose conversion
   gets the proposal adopted, within a budget of
   :math:`\beta \cdot \text{capability}` of the sponsor (China's preferential
   loans: olczak2025 § Economic Cooperation);
3. **package deal** — for admissions, add the outside candidate the objectors
   like most (China accepted India only together with Pakistan: olczak2025 §
   Different aspirations);
4. **water down** — lower the depth by one step (lower benefits and costs);
5. **postpone** — give up at this summit: the proposal counts as blocked.

The chair, who tables proposals that have no sponsor in the documents, rotates
in the Russian alphabetical order of the members' names (encyc2025 § Summits).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.evidence import Evidence
from sim.rules import Rule, Stance

__all__ = ["Concession", "chair_for", "chair_order", "side_payments"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Concession(IntEnum):
    """What the sponsor did after a round that left the proposal blocked."""

    NONE = 0
    OPT_OUT = 1
    SIDE_PAYMENT = 2
    PACKAGE = 3
    WATER_DOWN = 4
    POSTPONE = 5


def chair_order(ev: Evidence, members: Sequence[str]) -> list[str]:
    """Members in the Russian alphabetical order of their names (the Charter's rotation)."""
    return sorted(members, key=lambda m: ev.members[m].name_ru.lower())


def chair_for(ev: Evidence, members: Sequence[str], year: int) -> str:
    """Chair (summit host) in ``year``.

    The recorded host where the summit record has that year and the host is
    among ``members``; otherwise the rotation continues in Russian alphabetical
    order from the last recorded host among the members.
    """
    host = ev.summits.get(year)
    if host is not None and host in members:
        return host
    order = chair_order(ev, members)
    past = [(y, h) for y, h in sorted(ev.summits.items()) if y < year and h in members]
    if not past:
        return order[year % len(order)]
    last_year, last_host = past[-1]
    return order[(order.index(last_host) + year - last_year) % len(order)]


def side_payments(
    rule: Rule,
    stances: npt.NDArray[np.int8],
    utility: FloatArray,
    tau: FloatArray,
    budget: FloatArray,
    capability: FloatArray,
    sponsor: int,
    margin: float,
) -> tuple[FloatArray, BoolArray]:
    r"""Cheapest affordable side payments that get the proposal adopted.

    Each hold-out has a price: for consensus-type rules that count only
    objections, the amount that lifts an objector to an abstention
    (:math:`-\tau_i - U_i`); for rules that need active support, the amount
    that lifts a non-supporter to support (:math:`m - U_i`).  Hold-outs are
    bought in order of price until the rule is met.

    Returns
    -------
    pay, feasible
        Payments of shape ``(n, R)`` (zero where infeasible) and whether the
        proposal can be bought within budget, per replication.
    """
    n, R = stances.shape
    eps = 1e-6
    if rule.counts_objections:
        target = stances == Stance.OBJECT
        price = np.where(target, -tau - utility + eps, np.inf)
        new_stance = Stance.ABSTAIN
    else:
        target = stances != Stance.SUPPORT
        price = np.where(target, margin - utility + eps, np.inf)
        new_stance = Stance.SUPPORT
    price[sponsor] = np.inf
    pay = np.zeros((n, R))
    feasible = np.zeros(R, dtype=bool)
    # Buy hold-outs cheapest first (ties: the lower index first).  Prices are
    # positive, so the cumulative cost only grows: a replication that cannot
    # afford its k cheapest hold-outs cannot afford more, and drops out, as does
    # one whose purchase already succeeded.  The working arrays hold only the
    # replications still in play, ``cols``.
    cols = np.arange(R)
    left = price.copy()  # prices of the hold-outs not yet bought
    chosen = np.zeros((n, R), dtype=bool)
    cumulative = np.zeros(R)
    work: tuple[npt.NDArray[Any], ...] = (cols, left, chosen, cumulative, budget, price, stances, capability)
    for _ in range(n):
        cols, left, chosen, cumulative, bud, prices, held, cap = work
        cheapest = (np.argmin(left, axis=0), np.arange(cols.size))
        cost = left[cheapest]
        cumulative += cost
        chosen[cheapest] = np.isfinite(cost)
        left[cheapest] = np.inf
        cols, left, chosen, cumulative, bud, prices, held, cap = work = _columns(cumulative <= bud, *work)
        if cols.size == 0:
            break
        flipped = np.where(chosen, new_stance, held).astype(np.int8)
        ok = rule.adopted(flipped, cap)
        pay[:, cols[ok]] = np.where(chosen[:, ok], prices[:, ok], 0.0)
        feasible[cols[ok]] = True
        work = _columns(~ok, *work)
    return pay, feasible


def _columns(keep: BoolArray, *arrays: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], ...]:
    """Restrict the arrays to the replications (last axis) in ``keep``; return them as they are when all stay."""
    if keep.all():
        return arrays
    index = np.flatnonzero(keep)
    return tuple(np.take(a, index, axis=-1) for a in arrays)
