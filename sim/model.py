r"""The Mesa model of one summit decision, vectorised over Monte Carlo replications.

One :class:`MemberAgent` per member state, one :class:`SummitModel` per
decision setting (members, proposal, year).  Every agent's decision logic
works on numpy arrays over the replication axis: one model run evaluates a
whole batch of ``R`` replications, and one negotiation round costs a few array
operations per agent.  ``R = 1`` is a single narrated run, recorded by a Mesa
:class:`~mesa.DataCollector`.

Stances
-------
With :math:`U_i` the utility (:mod:`sim.utility`), :math:`\tau_i` the
objection threshold and :math:`m` the support margin, member :math:`i`

- supports if :math:`U_i > m` (the sponsor always supports what it tables);
- opts out, where the proposal is an opt-out project, if it does not support
  and its outsider utility is at least :math:`-\tau_i`;
- abstains (a reservation that does not block) if :math:`U_i \ge -\tau_i`;
- objects otherwise.

Under ``preferences="impartial"`` (the Penrose–Coleman null model) each member
instead supports with probability 1/2 (or its own given probability) and
otherwise objects, independently, in a single vote.

Outcomes
--------
Mutually exclusive per replication: ``FULL`` (adopted by all at full depth),
``WATERED_DOWN`` (adopted at reduced depth), ``OPT_OUT`` (adopted by the
interested members, at least one staying out), ``BLOCKED`` (not adopted,
including postponed beyond the last round).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import mesa
import numpy as np
import numpy.typing as npt

from sim.constants import ModelConstants
from sim.draws import Draws, Setting, draw
from sim.evidence import Evidence
from sim.negotiation import Concession, chair_for, side_payments
from sim.rules import Rule, ScoConsensus, Stance, pivotal
from sim.utility import outsider_utility, utility_terms

__all__ = ["MemberAgent", "Outcome", "RunRecord", "SummitModel", "package_pool"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Preferences = Literal["documents", "impartial"]


class Outcome(IntEnum):
    """Outcome of one replication."""

    FULL = 0
    WATERED_DOWN = 1
    OPT_OUT = 2
    BLOCKED = 3


@dataclass(frozen=True)
class RunRecord:
    """What a finished model run records, per replication.

    Attributes
    ----------
    outcome
        :class:`Outcome` code, shape ``(R,)``.
    final_stances
        Stances in the deciding round, shape ``(n, R)``.
    stance_history
        Stances in each round, shape ``(rounds, n, R)``; rounds after the
        decision repeat the final stances.
    concessions
        :class:`~sim.negotiation.Concession` made after each round, ``(rounds, R)``.
    pivotal
        Members whose objection (or missing support) alone decided a block, ``(n, R)``.
    depth
        Final depth, ``(R,)``.
    side_paid
        Side payments made to each member, ``(n, R)``.
    decided_round
        Round (1-based) in which the outcome was reached, ``(R,)``.
    """

    members: tuple[str, ...]
    outcome: npt.NDArray[np.int8]
    final_stances: npt.NDArray[np.int8]
    stance_history: npt.NDArray[np.int8]
    concessions: npt.NDArray[np.int8]
    pivotal: BoolArray
    depth: FloatArray
    side_paid: FloatArray
    decided_round: npt.NDArray[np.int8]


def package_pool(ev: Evidence, setting: Setting) -> tuple[str, ...]:
    """States a sponsor may add to an admission: observers and applicants of that year."""
    if ev.proposal(setting.proposal).kind != "admission":
        return ()
    taken = set(setting.members) | set(setting.candidates)
    return tuple(
        m.id
        for m in ev.members.values()
        if m.id not in taken and m.active and m.status_on(setting.year) in ("observer", "applicant")
    )


class MemberAgent(mesa.Agent):
    """A member state deciding its stance on the proposal, over all replications at once."""

    model: SummitModel

    def __init__(self, model: SummitModel, member_id: str, index: int, is_sponsor: bool) -> None:
        super().__init__(model)
        self.member_id = member_id
        self.index = index
        self.is_sponsor = is_sponsor
        R = model.replications
        self.stance = np.zeros(R, dtype=np.int8)
        self.utility = np.zeros(R)
        self.terms: dict[str, FloatArray] = {}

    def decide(self) -> None:
        """Evaluate the proposal as it now stands and set :attr:`stance` (one entry per replication)."""
        m = self.model
        if m.votes is not None:
            self.stance = m.votes[self.index]
            return
        d = m.draws
        assert d is not None
        terms = utility_terms(d, self.index, m.depth, m.side[self.index], m.constants.outside_weight, m.admitted)
        u = sum(terms.values(), np.zeros(m.replications))
        tau = d.tau[self.index]
        stance = np.where(u >= -tau, Stance.ABSTAIN, Stance.OBJECT).astype(np.int8)
        if m.optout.any():
            out_ok = m.optout & (outsider_utility(d, self.index, m.depth) >= -tau)
            stance[out_ok] = Stance.OPT_OUT
        stance[u > m.constants.support_margin] = Stance.SUPPORT
        if self.is_sponsor:
            stance[:] = Stance.SUPPORT
        self.stance, self.utility = stance, u
        self.terms = terms if m.narrated else {}


class SummitModel(mesa.Model):
    """One summit deciding one proposal, for ``R`` replications at once.

    Parameters
    ----------
    evidence
        The loaded evidence base.
    setting
        Members, proposal, year (and candidates for an admission).
    rule
        Decision rule (default: ``sco_consensus``).
    preferences
        ``"documents"`` (profiles drawn from the evidence) or ``"impartial"``.
    negotiation
        ``False``: a single vote, no concessions.
    constants
        Model constants.
    replications
        ``R`` when drawing from the model's own generator.
    rng
        Seed, :class:`~numpy.random.SeedSequence` or generator for the model's
        own generator (Mesa's ``rng``).
    chunks
        ``(SeedSequence, size)`` per chunk of replications; when given, each
        chunk's draws come from its own generator and ``replications`` is the
        sum of the sizes.  Ensembles use this so that results do not depend on
        how chunks are grouped.
    support_probability
        For impartial preferences: each member's probability of support
        (default 1/2).
    sponsor
        Override the sponsor (default: the first documented sponsor who is a
        member, else the chair).
    uniforms
        Quantiles of every parameter, shape ``(P, R)`` (see
        :func:`~sim.draws.draw`), instead of random draws; for sensitivity
        analysis with ``preferences="documents"``.
    """

    def __init__(
        self,
        evidence: Evidence,
        setting: Setting,
        *,
        rule: Rule | None = None,
        preferences: Preferences = "documents",
        negotiation: bool = True,
        constants: ModelConstants | None = None,
        replications: int = 1,
        rng: int | np.random.SeedSequence | np.random.Generator | None = None,
        chunks: Sequence[tuple[np.random.SeedSequence, int]] | None = None,
        support_probability: Sequence[float] | None = None,
        sponsor: str | None = None,
        uniforms: npt.NDArray[np.float64] | None = None,
    ) -> None:
        super().__init__(rng=rng)
        self.evidence = evidence
        self.setting = setting
        self.rule = rule if rule is not None else ScoConsensus()
        self.constants = constants if constants is not None else ModelConstants()
        self.preferences = preferences
        self.negotiation = negotiation and preferences == "documents"
        self.proposal = evidence.proposal(setting.proposal)
        members = setting.members
        n = len(members)
        if uniforms is not None:
            if preferences != "documents":
                raise ValueError("uniforms set drawn parameters: they need preferences='documents'")
            gens, sizes = [], [int(uniforms.shape[1])]
        elif chunks is None:
            gens = [self.rng]
            sizes = [int(replications)]
        else:
            gens = [np.random.default_rng(ss) for ss, _ in chunks]
            sizes = [int(size) for _, size in chunks]
        self.replications = R = int(sum(sizes))
        self.narrated = R == 1
        self.chair = chair_for(evidence, members, setting.year)
        documented = [s for s in self.proposal.sponsors if s in members]
        self.sponsor = sponsor or (documented[0] if documented else self.chair)
        if self.sponsor not in members:
            raise ValueError(f"sponsor {self.sponsor!r} is not among the members")

        self.draws: Draws | None = None
        self.votes: npt.NDArray[np.int8] | None = None
        if preferences == "impartial":
            p = np.full(n, 0.5) if support_probability is None else np.asarray(support_probability, dtype=float)
            self.votes = np.concatenate(
                [
                    np.where(g.random((n, s)) < p[:, None], Stance.SUPPORT, Stance.OBJECT)
                    for g, s in zip(gens, sizes, strict=True)
                ],
                axis=1,
            ).astype(np.int8)
            self.capability = np.ones((n, R))
        else:
            self.pool = package_pool(evidence, setting)
            self.draws = draw(evidence, setting, gens, sizes, self.constants, self.pool, uniforms)
            self.capability = self.draws.cap

        # negotiation state, one entry per replication
        self.depth = np.ones(R)
        self.optout = np.full(R, self.proposal.admits_opt_out and self.proposal.depth == "joint_project")
        self.side = np.zeros((n, R))
        self.sponsor_index = members.index(self.sponsor)
        self.budget = self.constants.side_payment_budget * self.capability[self.sponsor_index]
        self.admitted: list[tuple[str, BoolArray]] = [(c, np.ones(R, dtype=bool)) for c in setting.candidates]
        self.open = np.ones(R, dtype=bool)
        rounds = self.constants.max_rounds if self.negotiation else 1
        self.rounds = rounds
        self._outcome = np.full(R, -1, dtype=np.int8)
        self._final = np.zeros((n, R), dtype=np.int8)
        self._history = np.zeros((rounds, n, R), dtype=np.int8)
        self._concessions = np.zeros((rounds, R), dtype=np.int8)
        self._decided = np.zeros(R, dtype=np.int8)
        self._record: RunRecord | None = None

        self.member_agents = [MemberAgent(self, mid, i, mid == self.sponsor) for i, mid in enumerate(members)]
        self.datacollector: mesa.DataCollector | None = None
        if self.narrated:
            self.datacollector = mesa.DataCollector(
                model_reporters={
                    "depth": lambda m: float(m.depth[0]),
                    "concession": lambda m: Concession(int(m._concessions[m.steps - 1, 0])).name.lower(),
                    "outcome": lambda m: Outcome(int(m._outcome[0])).name.lower() if m._outcome[0] >= 0 else "open",
                },
                agent_reporters={
                    "member": "member_id",
                    "stance": lambda a: Stance(int(a.stance[0])).name.lower(),
                    "utility": lambda a: float(a.utility[0]),
                },
            )

    # -- one negotiation round ----------------------------------------------

    def step(self) -> None:
        """Play one round: stances, the rule's verdict, then the sponsor's concession."""
        k = self.steps - 1
        for agent in self.member_agents:
            agent.decide()
        stances = np.stack([a.stance for a in self.member_agents])
        self._history[k:] = np.where(self.open, stances, self._history[k])
        adopted = self.open & self.rule.adopted(stances, self.capability)
        if self.optout.any():
            enough = np.count_nonzero(stances == Stance.SUPPORT, axis=0) >= self.constants.min_participants
            adopted &= ~self.optout | enough
        self._settle(adopted, stances, k)
        still = self.open
        if still.any():
            if k + 1 >= self.rounds:
                self._block(still, stances, k)
            else:
                self._concede(still, stances, k)
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if not self.open.any():
            self.running = False

    def _settle(self, adopted: BoolArray, stances: npt.NDArray[np.int8], k: int) -> None:
        outcome = np.where(
            self.optout & np.any(stances == Stance.OPT_OUT, axis=0),
            Outcome.OPT_OUT,
            np.where(self.depth < 1.0 - 1e-9, Outcome.WATERED_DOWN, Outcome.FULL),
        )
        self._outcome[adopted] = outcome[adopted]
        self._final[:, adopted] = stances[:, adopted]
        self._decided[adopted] = k + 1
        self.open &= ~adopted

    def _block(self, mask: BoolArray, stances: npt.NDArray[np.int8], k: int) -> None:
        self._outcome[mask] = Outcome.BLOCKED
        self._final[:, mask] = stances[:, mask]
        self._decided[mask] = k + 1
        self.open &= ~mask

    def _concede(self, still: BoolArray, stances: npt.NDArray[np.int8], k: int) -> None:
        c = self.constants
        todo = still.copy()
        chosen = np.zeros(self.replications, dtype=np.int8)

        # 1. opt-out project
        if self.proposal.admits_opt_out:
            conv = todo & ~self.optout
            self.optout |= conv
            chosen[conv] = Concession.OPT_OUT
            todo &= ~conv

        # 2. side payments within the sponsor's remaining budget
        if todo.any() and self.draws is not None:
            utility = np.stack([a.utility for a in self.member_agents])
            pay, feasible = side_payments(
                self.rule,
                stances,
                utility,
                self.draws.tau,
                self.budget,
                self.capability,
                self.sponsor_index,
                c.support_margin,
            )
            buy = todo & feasible
            self.side[:, buy] += pay[:, buy]
            self.budget[buy] -= pay[:, buy].sum(axis=0)
            chosen[buy] = Concession.SIDE_PAYMENT
            todo &= ~buy

        # 3. package deal (admissions): add the outsider the objectors like most
        if todo.any() and self.draws is not None and self.pool:
            objectors = stances == Stance.OBJECT
            taken = [a for a, _ in self.admitted]
            options = [p for p in self.pool if p not in taken]
            if options:
                appeal = np.stack([np.where(objectors, self.draws.admission[p], 0.0).sum(axis=0) for p in options])
                best = np.argmax(appeal, axis=0)
                helps = todo & (appeal.max(axis=0) > 0)
                for j, p in enumerate(options):
                    add = helps & (best == j)
                    if add.any():
                        self.admitted.append((p, add))
                chosen[helps] = Concession.PACKAGE
                todo &= ~helps

        # 4. water down
        if todo.any() and self.proposal.divisible:
            can = todo & (self.depth - c.waterdown_step >= c.min_depth - 1e-9)
            self.depth[can] -= c.waterdown_step
            chosen[can] = Concession.WATER_DOWN
            todo &= ~can

        # 5. postpone: blocked at this summit
        if todo.any():
            chosen[todo] = Concession.POSTPONE
            self._block(todo, stances, k)
        self._concessions[k] = chosen

    # -- running and results ------------------------------------------------

    def concessions_after(self, round_number: int) -> npt.NDArray[np.int8]:
        """Return the concession made after round ``round_number`` (1-based), per replication."""
        out: npt.NDArray[np.int8] = self._concessions[round_number - 1].copy()
        return out

    def run(self) -> RunRecord:
        """Play rounds until every replication is decided; return the record."""
        while self.running:
            self.step()
        return self.record()

    def release(self) -> RunRecord:
        """Return the record and free everything else: agents, draws and per-replication state.

        Mesa keeps a reference to every model that has created agents (the
        per-model id counters of :class:`mesa.Agent`), and a model refers to
        itself through its wrapped ``step``; without this, an ensemble of many
        batches would keep every batch's arrays alive.  The model cannot be
        stepped afterwards.
        """
        record = self.record()
        self.remove_all_agents()
        self.member_agents = []
        self.draws = None
        self.votes = None
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray):
                setattr(self, name, None)
        self.admitted = []
        getattr(mesa.Agent, "_ids", {}).pop(self, None)
        return record

    def record(self) -> RunRecord:
        """Return the finished run's record (computed once)."""
        if self.open.any():
            raise RuntimeError("the summit is still open: call run() or step() until it ends")
        if self._record is None:
            self._record = RunRecord(
                members=self.setting.members,
                outcome=self._outcome.copy(),
                final_stances=self._final.copy(),
                stance_history=self._history.copy(),
                concessions=self._concessions.copy(),
                pivotal=pivotal(self.rule, self._final, self.capability),
                depth=self.depth.copy(),
                side_paid=self.side.copy(),
                decided_round=self._decided.copy(),
            )
        return self._record
