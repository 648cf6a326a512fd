"""Structural constants of the negotiation model.

These are properties of the model, not of any member, so they do not live in
the evidence base; ``docs/model.md`` explains each.  They are collected in one
frozen object so that a scenario, a sensitivity analysis or a test can vary
them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModelConstants"]


@dataclass(frozen=True, slots=True)
class ModelConstants:
    r"""Constants of the utility model and the negotiation protocol.

    Attributes
    ----------
    objection_threshold
        ``(low, mode, high)`` of the triangular distribution of a member's
        objection threshold :math:`\tau_i`: it objects only when the proposal
        costs it more than :math:`\tau_i`; milder losses give an abstention
        or an opt-out.  Breaking consensus is costly in the SCO's culture of
        equal, consensual decision-making (xue2021 § 4.3; anniv2022 § 2.2), so
        :math:`\tau` is positive; its size is not documented, hence the wide
        range.
    outside_weight
        :math:`\omega`, the weight of the outside-option term.
    side_payment_budget
        :math:`\beta`: the sponsor can pay side payments up to
        :math:`\beta \cdot \text{capability}` per summit (olczak2025 §
        Economic Cooperation records China's preferential loans).
    waterdown_step, min_depth
        Each watering-down lowers the depth :math:`\delta` by this step; the
        proposal is not watered below ``min_depth`` (half its substance: a
        text cut further is a different proposal, and the sponsor postpones
        instead).
    max_rounds
        Negotiation rounds at one summit; still blocked after that means
        postponed beyond the horizon.
    min_participants
        An opt-out project needs at least this many supporters ("interested
        member states") to go ahead.
    support_margin
        A member supports when its utility exceeds this margin.
    """

    objection_threshold: tuple[float, float, float] = (0.05, 0.2, 0.4)
    outside_weight: float = 0.5
    side_payment_budget: float = 0.4
    waterdown_step: float = 0.25
    min_depth: float = 0.5
    max_rounds: int = 4
    min_participants: int = 2
    support_margin: float = 0.0
