r"""Utility of a proposal for a member, against the status quo.

For member :math:`i`, a proposal at depth :math:`\delta \in [0, 1]` (1 = as
tabled) and one replication's drawn parameters, the utility is the sum of

.. math::

    U_i(\delta) = P_i + G_i + R_i - C_i - O_i + A_i + S_i

with the terms

policy (spatial model)
    :math:`P_i = \sum_d s_{id} \left(|x_{id}| - |x_{id} - \delta e_d|\right)`:
    the status quo sits at 0 on every dimension, the proposal moves policy to
    :math:`\delta e_d`, and the member's loss is linear in the distance from
    its ideal point :math:`x_{id}`, weighted by salience :math:`s_{id}`.  This is
    the spatial model of politics used in KTAB and in the compromise model
    (Black 1958; Downs 1957; Stokman & van Oosten 1994).
gain
    :math:`G_i = \delta g_i`: the member's material net gain at full depth.
relative gains
    :math:`R_i = -\rho_i \delta \sum_j w_{ij} \max(0, g_j - g_i)`: a rival's
    advantage counts as a loss, weighted by the member's relative-gains concern
    :math:`\rho_i` and the rivalry intensity :math:`w_{ij}` (Grieco 1988;
    olczak2025 § Economic Cooperation on China and Russia).
sovereignty cost
    :math:`C_i = \sigma_i c \delta`: sensitivity to delegating authority times
    the proposal's sovereignty cost.
outside option
    :math:`O_i = \omega \delta \max_k o_{ik} r_k`: acting through the SCO
    competes with forum :math:`k` that the member values at :math:`o_{ik}`, in
    proportion to how far the proposal moves policy on the forum's domains,
    :math:`r_k = \sum_{d \in k} |e_d|` (Russia fears losing the influence it has in the CSTO and
    EAEU, olczak2025 § Limited achievements).
admission
    :math:`A_i = \sum_{c \in \text{candidates}} a_{ic}` for admission
    proposals (see :func:`sim.draws._admission_scores`).
side payment
    :math:`S_i`: transfers received from the sponsor during the negotiation.

A member that stays out of an opt-out project gets the *outsider* utility
:math:`U^{out}_i = -\rho_i \delta \sum_j w_{ij} \max(0, g_j)`: no costs, no
gains, only its rivals' advantage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sim.draws import Draws

__all__ = ["TERMS", "outsider_utility", "policy", "policy_by_dimension", "utility_terms"]

FloatArray = npt.NDArray[np.float64]

TERMS = ("policy", "gain", "relative_gains", "sovereignty", "outside_option", "admission", "side_payment")
"""Names of the utility terms, in the order of the equation."""


def _policy_on(d: Draws, i: int, k: int, depth: FloatArray) -> FloatArray:
    r"""Policy term of member ``i`` on dimension ``k``: :math:`s_{ik} (|x_{ik}| - |x_{ik} - \delta e_k|)`."""
    x = d.pos[i, k]
    out: FloatArray = d.sal[i, k] * (np.abs(x) - np.abs(x - depth * d.effects[k]))
    return out


def policy_by_dimension(d: Draws, i: int, depth: FloatArray) -> FloatArray:
    """Policy term of member ``i`` split by dimension, shape ``(D, R)``; zero on those the proposal does not move."""
    out = np.zeros((d.effects.shape[0], *depth.shape))
    for k in d.moved:
        out[k] = _policy_on(d, i, k, depth)
    return out


def policy(d: Draws, i: int, depth: FloatArray) -> FloatArray:
    """Policy term of member ``i``, summed over the dimensions the proposal moves.

    On the other dimensions :math:`|x| - |x - 0|` is exactly zero, so they are
    not evaluated (nor are their positions and saliences drawn).
    """
    total = np.zeros_like(depth)
    for k in d.moved:
        total += _policy_on(d, i, k, depth)
    return total


def _rival_advantage(d: Draws, i: int, own: FloatArray) -> FloatArray:
    total = np.zeros_like(own)
    for j, w in d.rivals[i]:
        total += w * np.maximum(d.gain[j] - own, 0.0)
    return total


def utility_terms(
    d: Draws,
    i: int,
    depth: FloatArray,
    side: FloatArray,
    outside_weight: float,
    admitted: Sequence[tuple[str, npt.NDArray[np.bool_]]] = (),
) -> dict[str, FloatArray]:
    r"""All utility terms of member ``i`` (arrays over replications).

    Parameters
    ----------
    d
        The drawn parameters.
    i
        Index of the member in the decision.
    depth
        Current depth of the proposal, per replication.
    side
        Side payments received so far, per replication.
    outside_weight
        :math:`\omega`.
    admitted
        For admission proposals: ``(actor, mask)`` pairs, the mask telling in
        which replications that actor is part of the proposal.
    """
    terms = {
        "policy": policy(d, i, depth),
        "gain": depth * d.gain[i],
        "relative_gains": -d.rho[i] * depth * _rival_advantage(d, i, d.gain[i]),
        "sovereignty": -d.sov[i] * d.cost * depth,
        "outside_option": -outside_weight * d.outside[i] * depth,
        "admission": np.zeros_like(depth),
        "side_payment": side,
    }
    for actor, mask in admitted:
        terms["admission"] = terms["admission"] + np.where(mask, d.admission[actor][i], 0.0)
    return terms


def outsider_utility(d: Draws, i: int, depth: FloatArray) -> FloatArray:
    """Return the utility of staying out of an opt-out project while the others go ahead."""
    out: FloatArray = -d.rho[i] * depth * _rival_advantage(d, i, np.zeros_like(depth))
    return out
