"""Decision rules: who must agree for a proposal to be adopted.

Each member's stance is one of four codes (:class:`Stance`): ``SUPPORT``,
``ABSTAIN`` (a stated reservation that does not block), ``OPT_OUT`` (stays out of
implementation) or ``OBJECT``.  A rule maps a stance array of shape
``(n_members, R)`` (one column per Monte Carlo replication) to a boolean array
of shape ``(R,)``: adopted or not.

Rules
-----
``sco_consensus``
    SCO Charter practice (xue2021 § 4.3; olczak2025 § Introducing to the SCO):
    adopted when no member objects.  Abstentions and opt-outs do not block.
``unanimity``
    Every member must actively support.
``consensus_minus_one``
    Adopted unless two or more members object.
``qualified_majority``
    Weighted votes of supporters reach a quota, optionally with a minimum
    number of supporters and a second quota on the supporters' share of total
    capability (a double majority like the EU Council's).
``simple_majority``
    More than half of the members support.

Every rule needs at least one supporter; an opt-out project (members may stay
out) additionally needs ``min_participants`` supporters, the "interested
member states" that implement it.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis import coleman_power
from sim.errors import InputError, did_you_mean

__all__ = [
    "RULES",
    "ConsensusMinusOne",
    "QualifiedMajority",
    "Rule",
    "ScoConsensus",
    "SimpleMajority",
    "Stance",
    "Unanimity",
    "make_rule",
    "pivotal",
]

StanceArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class Stance(IntEnum):
    """A member's stance on a proposal in one negotiation round."""

    SUPPORT = 0
    ABSTAIN = 1
    OPT_OUT = 2
    OBJECT = 3


class Rule(ABC):
    """A decision rule over the stances of a fixed, ordered set of members."""

    name: str = ""
    counts_objections: bool = False
    """True when only objections stand in the way (abstentions and opt-outs do not block);
    False when the rule counts active support."""

    @abstractmethod
    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return, per replication, whether the proposal is adopted."""

    @abstractmethod
    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Express the rule for impartial yes/no voting as ``(weights, quota, min_members)``."""

    def coleman(self, n: int, capability: Sequence[float] | None = None) -> float:
        """Exact passage probability for ``n`` members under impartial voting (Coleman's A)."""
        weights, quota, minimum = self.weighted_game(n)
        return coleman_power(weights, quota, minimum)

    def describe(self) -> dict[str, Any]:
        """Plain-data description of the rule (for outputs and provenance)."""
        return {"kind": self.name}


def _supporters(stances: StanceArray) -> npt.NDArray[np.int64]:
    return np.asarray(np.count_nonzero(stances == Stance.SUPPORT, axis=0), dtype=np.int64)


@dataclass(frozen=True)
class ScoConsensus(Rule):
    """Adopted when nobody objects (and somebody supports)."""

    name: str = "sco_consensus"
    counts_objections: bool = True

    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return ``True`` where no member objects and at least one supports."""
        return np.asarray(~np.any(stances == Stance.OBJECT, axis=0) & (_supporters(stances) > 0), dtype=bool)

    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Return unanimity in yes/no terms: a no is an objection."""
        return [1.0] * n, float(n), 0


@dataclass(frozen=True)
class Unanimity(Rule):
    """Adopted only when every member actively supports."""

    name: str = "unanimity"

    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return ``True`` where every member supports."""
        return np.asarray(np.all(stances == Stance.SUPPORT, axis=0), dtype=bool)

    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Return ``[n; 1, ..., 1]``."""
        return [1.0] * n, float(n), 0


@dataclass(frozen=True)
class ConsensusMinusOne(Rule):
    """Adopted unless two or more members object."""

    name: str = "consensus_minus_one"
    counts_objections: bool = True

    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return ``True`` where at most one member objects and at least one supports."""
        objections = np.count_nonzero(stances == Stance.OBJECT, axis=0)
        return np.asarray((objections <= 1) & (_supporters(stances) > 0), dtype=bool)

    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Return ``[n - 1; 1, ..., 1]``."""
        return [1.0] * n, float(max(n - 1, 1)), 0


@dataclass(frozen=True)
class SimpleMajority(Rule):
    """Adopted when more than half of the members support."""

    name: str = "simple_majority"

    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return ``True`` where supporters are a strict majority."""
        return np.asarray(2 * _supporters(stances) > stances.shape[0], dtype=bool)

    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Return ``[floor(n/2) + 1; 1, ..., 1]``."""
        return [1.0] * n, float(n // 2 + 1), 0


@dataclass(frozen=True)
class QualifiedMajority(Rule):
    """Weighted quota rule, optionally with a minimum count and a capability quota.

    Parameters
    ----------
    weights
        Voting weight of each member, in the order of the decision's members.
    quota
        Weight the supporters must reach.
    min_members
        Minimum number of supporters.
    capability_quota
        Minimum share of total capability held by the supporters (0 to 1), or
        ``None`` for a single majority.
    """

    weights: tuple[float, ...] = ()
    quota: float = 0.0
    min_members: int = 0
    capability_quota: float | None = None
    name: str = "qualified_majority"
    labels: tuple[str, ...] = field(default=(), compare=False)

    def adopted(self, stances: StanceArray, capability: FloatArray | None = None) -> BoolArray:
        """Return ``True`` where the supporters reach every quota."""
        yes = stances == Stance.SUPPORT
        w = np.asarray(self.weights, dtype=float)[:, None]
        ok: BoolArray = (np.sum(w * yes, axis=0) >= self.quota - 1e-9) & (_supporters(stances) >= self.min_members)
        ok &= _supporters(stances) > 0
        if self.capability_quota is not None:
            if capability is None:
                raise ValueError("this rule needs member capabilities")
            share = np.sum(capability * yes, axis=0) / np.sum(capability, axis=0)
            ok &= share >= self.capability_quota - 1e-9
        return ok

    def weighted_game(self, n: int) -> tuple[list[float], float, int]:
        """Return the weights, quota and minimum count."""
        if len(self.weights) != n:
            raise ValueError(f"rule has {len(self.weights)} weights for {n} members")
        return list(self.weights), self.quota, self.min_members

    def coleman(self, n: int, capability: Sequence[float] | None = None) -> float:
        """Exact passage probability; with a capability quota by enumeration (up to 22 members)."""
        if self.capability_quota is None:
            return super().coleman(n)
        if capability is None or len(capability) != n:
            raise ValueError("a capability quota needs one capability per member")
        if n > 22:
            raise ValueError("exact Coleman power with a capability quota is limited to 22 members")
        cap = np.asarray(capability, dtype=float)
        w = np.asarray(self.weights, dtype=float)
        wins = 0
        for bits in itertools.product((0, 1), repeat=n):
            yes = np.asarray(bits, dtype=bool)
            if (
                w[yes].sum() >= self.quota - 1e-9
                and yes.sum() >= max(self.min_members, 1)
                and cap[yes].sum() / cap.sum() >= self.capability_quota - 1e-9
            ):
                wins += 1
        return float(wins / 2**n)

    def describe(self) -> dict[str, Any]:
        """Return the rule's parameters."""
        out: dict[str, Any] = {"kind": self.name, "quota": self.quota, "min_members": self.min_members}
        out["weights"] = dict(zip(self.labels, self.weights, strict=True)) if self.labels else list(self.weights)
        if self.capability_quota is not None:
            out["capability_quota"] = self.capability_quota
        return out


RULES: Mapping[str, type[Rule]] = {
    "sco_consensus": ScoConsensus,
    "unanimity": Unanimity,
    "consensus_minus_one": ConsensusMinusOne,
    "simple_majority": SimpleMajority,
    "qualified_majority": QualifiedMajority,
}
"""Named rules."""


def make_rule(spec: str | Mapping[str, Any], members: Sequence[str] = ()) -> Rule:
    """Build a rule from a name or a table such as ``{"kind": "qualified_majority", ...}``.

    For ``qualified_majority`` the table gives ``weights`` (member id to weight;
    every member needs one), ``quota`` and optionally ``min_members`` and
    ``capability_quota``.
    """
    if isinstance(spec, str):
        if spec not in RULES:
            raise InputError(None, None, "rule", f"unknown rule {spec!r}: {did_you_mean(spec, RULES)}")
        if spec == "qualified_majority":
            raise InputError(None, None, "rule", "qualified_majority needs a [rule] table with weights and a quota")
        return RULES[spec]()
    kind = spec.get("kind")
    if kind != "qualified_majority":
        if isinstance(kind, str) and kind in RULES:
            return make_rule(kind)
        raise InputError(None, None, "rule.kind", f"unknown rule {kind!r}: {did_you_mean(str(kind), RULES)}")
    weights = spec.get("weights", {})
    missing = [m for m in members if m not in weights]
    if missing:
        raise InputError(None, None, "rule.weights", f"no weight for {', '.join(missing)} (every member needs one)")
    return QualifiedMajority(
        weights=tuple(float(weights[m]) for m in members),
        quota=float(spec["quota"]),
        min_members=int(spec.get("min_members", 0)),
        capability_quota=None if spec.get("capability_quota") is None else float(spec["capability_quota"]),
        labels=tuple(members),
    )


def pivotal(rule: Rule, stances: StanceArray, capability: FloatArray | None = None) -> npt.NDArray[np.bool_]:
    """Which members were pivotal: the proposal failed, and it would have passed had this member supported.

    For consensus rules this is the member whose objection alone decided a block.
    Returns a boolean array of shape ``(n_members, R)``.
    """
    failed = ~rule.adopted(stances, capability)
    out = np.zeros(stances.shape, dtype=bool)
    for i in range(stances.shape[0]):
        flipped = stances.copy()
        flipped[i] = Stance.SUPPORT
        out[i] = failed & (stances[i] != Stance.SUPPORT) & rule.adopted(flipped, capability)
    return out
