"""Narrate one replication of a summit: stances, reasons, concessions, outcome.

:func:`narrate` plays a single replication (``R = 1``) round by round and
returns plain data: for every round each member's stance, its utility, the
largest term of that utility (the *main reason*) and the citations behind it,
then the sponsor's concession.  :func:`render` turns that into text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.constants import ModelConstants
from sim.draws import Setting
from sim.evidence import Citation, Evidence
from sim.model import Outcome, SummitModel
from sim.negotiation import Concession
from sim.rules import Rule, Stance
from sim.utility import policy_by_dimension

__all__ = ["MemberTurn", "Narration", "Round", "narrate", "render"]


@dataclass(frozen=True)
class MemberTurn:
    """One member's stance in one round and why."""

    member: str
    stance: str
    utility: float
    main_term: str
    main_value: float
    reason: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Round:
    """One negotiation round."""

    number: int
    depth: float
    turns: tuple[MemberTurn, ...]
    concession: str
    admitted: tuple[str, ...]


@dataclass(frozen=True)
class Narration:
    """A narrated run."""

    setting: Setting
    rule: str
    seed: int
    sponsor: str
    chair: str
    rounds: tuple[Round, ...]
    outcome: str
    side_payments: dict[str, float]


def _reason(ev: Evidence, model: SummitModel, i: int, term: str) -> tuple[str, tuple[Citation, ...]]:
    """Describe a utility term of member ``i`` and the citations behind it."""
    setting, prop = model.setting, model.proposal
    mid = setting.members[i]
    params = ev.members[mid].parameters(setting.year)
    d = model.draws
    assert d is not None
    if term == "policy":
        contrib = policy_by_dimension(d, i, model.depth)[:, 0]
        if not d.moved:
            return "the proposal moves no policy dimension", ()
        k = max(d.moved, key=lambda m: abs(contrib[m]))
        dim = ev.dimension_ids[k]
        pos = params[f"positions.{dim}"]
        eff = prop.effects.get(dim)
        text = f"{dim}: ideal point {d.pos[i, k, 0]:+.2f}, proposal moves it to {model.depth[0] * d.effects[k, 0]:+.2f}"
        return text, pos.cites + (eff.cites if eff else ())
    if term == "gain":
        g = prop.gain_for(mid)
        return f"material gain {d.gain[i, 0]:+.2f} at full depth", g.cites if g else ()
    if term == "relative_gains":
        rivals = [setting.members[j] for j, _ in d.rivals[i]]
        cites = params["relative_gains"].cites
        cites += tuple(c for r in ev.relations if r.a == mid or (r.symmetric and r.b == mid) for c in r.estimate.cites)
        return f"rivals' advantage ({', '.join(rivals)})", cites
    if term == "sovereignty":
        return (
            f"delegation cost: sensitivity {d.sov[i, 0]:.2f} x cost {d.cost[0]:.2f}",
            params["sovereignty_sensitivity"].cites + prop.sovereignty_cost.cites,
        )
    if term == "outside_option":
        opts = {k.split(".", 1)[1]: e for k, e in params.items() if k.startswith("outside_options.")}
        best = max(opts, key=lambda o: opts[o].value, default=None)
        if best is None:
            return "outside option", ()
        return f"competes with {ev.organisations[best].name}", opts[best].cites
    if term == "admission":
        names = [a for a, mask in model.admitted if mask[0]]
        cites = tuple(c for r in ev.relations if {r.a, r.b} & set(names) for c in r.estimate.cites)
        return f"relations with {', '.join(names)}", cites
    return "side payment from the sponsor", ()


def member_turn(ev: Evidence, model: SummitModel, i: int) -> MemberTurn:
    """Member ``i``'s stance in the round just played (replication 0), its main reason and the citations."""
    agent = model.member_agents[i]
    terms = {name: float(v[0]) for name, v in agent.terms.items()}
    main = max(terms, key=lambda t: abs(terms[t]))
    text, cites = _reason(ev, model, agent.index, main)
    return MemberTurn(
        member=agent.member_id,
        stance=Stance(int(agent.stance[0])).name.lower(),
        utility=float(agent.utility[0]),
        main_term=main,
        main_value=terms[main],
        reason="tabled the proposal" if agent.is_sponsor else text,
        cites=() if agent.is_sponsor else tuple(dict.fromkeys(cites)),
    )


def narrate(
    ev: Evidence,
    setting: Setting,
    *,
    seed: int = 2024,
    rule: Rule | None = None,
    negotiation: bool = True,
    constants: ModelConstants | None = None,
) -> Narration:
    """Play one replication round by round and explain every stance."""
    model = SummitModel(ev, setting, rule=rule, negotiation=negotiation, constants=constants, replications=1, rng=seed)
    rounds = []
    while model.running:
        depth = float(model.depth[0])
        admitted = tuple(a for a, mask in model.admitted if mask[0])
        model.step()
        k = model.steps - 1
        turns = [member_turn(ev, model, agent.index) for agent in model.member_agents]
        conc = Concession(int(model.concessions_after(k + 1)[0]))
        rounds.append(
            Round(
                number=k + 1,
                depth=depth,
                turns=tuple(turns),
                concession=conc.name.lower(),
                admitted=admitted,
            )
        )
    record = model.record()
    return Narration(
        setting=setting,
        rule=model.rule.name,
        seed=seed,
        sponsor=model.sponsor,
        chair=model.chair,
        rounds=tuple(rounds),
        outcome=Outcome(int(record.outcome[0])).name.lower(),
        side_payments={
            m: float(record.side_paid[i, 0]) for i, m in enumerate(setting.members) if record.side_paid[i, 0]
        },
    )


def render(n: Narration, ev: Evidence) -> str:
    """Render a narration as text."""
    prop = ev.proposal(n.setting.proposal)
    lines = [
        f"{prop.name} ({prop.id}), {n.setting.year}, {len(n.setting.members)} members, rule {n.rule}, seed {n.seed}",
        f"sponsor: {n.sponsor}   chair: {n.chair}"
        + (f"   candidates: {', '.join(n.setting.candidates)}" if n.setting.candidates else ""),
    ]
    for r in n.rounds:
        lines.append("")
        head = f"Round {r.number}: depth {r.depth:.2f}"
        if r.admitted:
            head += f", admitting {', '.join(r.admitted)}"
        lines.append(head)
        for t in r.turns:
            cite = f"  [{'; '.join(str(c) for c in t.cites[:2])}]" if t.cites else ""
            lines.append(
                f"  {t.member:<13} {t.stance:<8} U={t.utility:+.2f}  main: {t.main_term} {t.main_value:+.2f}"
                f" ({t.reason}){cite}"
            )
        if r.concession != "none":
            lines.append(f"  -> sponsor's move: {r.concession.replace('_', ' ')}")
    lines.append("")
    paid = ", ".join(f"{m} {v:.2f}" for m, v in n.side_payments.items())
    lines.append(f"outcome: {n.outcome}" + (f"   side payments: {paid}" if paid else ""))
    return "\n".join(lines)
