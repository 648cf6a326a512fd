"""The classroom app: one SCO summit to step through, and the ensemble behind it.

Built on Mesa's SolaraViz and served by Solara (``scosim app``).  Every browser
session renders :func:`Page`, which creates its own :class:`ClassroomModel`, so
two tabs never share a model.  The controls (membership preset and per-state
toggles, year, proposal, rule, negotiation, seed) replace the model at once;
SolaraViz's Step and Play buttons advance it one negotiation round at a time.

Views
-----
- one card per member: its stance in the last round played, the largest term
  of its utility in words, and the citation behind it;
- the summit: round, depth of the text, the sponsor's last move, the outcome;
- the ensemble: pass rate and 95% interval over 3,000 replications of the same
  decision;
- a chart of the pass rate at SCO-6, SCO-8, SCO-9, SCO-10 and at the chosen
  membership, with Coleman's baseline.

The model is :class:`sim.model.SummitModel` with one replication, so a summit
seen in the app is exactly ``scosim explain`` for the same settings and seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim import plotting
from sim.draws import Setting
from sim.ensemble import run_ensemble
from sim.evidence import Evidence, load_evidence
from sim.explain import member_turn
from sim.model import Outcome, SummitModel
from sim.negotiation import Concession
from sim.rules import make_rule

__all__ = ["ENSEMBLE_REPLICATIONS", "ClassroomModel", "Page", "ensemble_summary", "stage_curve"]

ENSEMBLE_REPLICATIONS = 3000
"""Replications behind the ensemble panel."""
CURVE_REPLICATIONS = 2000
"""Replications per stage behind the chart."""
RULES = ("sco_consensus", "unanimity", "consensus_minus_one", "simple_majority")
STANCE_COLOURS = {"support": "#009E73", "abstain": "#E69F00", "opt_out": "#56B4E9", "object": "#D55E00"}


class ClassroomModel(SummitModel):
    """A single summit (one replication) configured by the app's controls.

    Parameters
    ----------
    preset
        Membership preset (SCO-6, SCO-8, SCO-9, SCO-10).
    members
        Member ids; ``None`` takes the preset's.
    year
        Profiles as of this year; ``None`` takes the preset's.
    proposal, rule, negotiation, seed
        The decision, the rule, negotiation on or off, and the seed of the draw.
    evidence
        The evidence base (loaded when not given).
    """

    def __init__(
        self,
        preset: str = "SCO-10",
        members: Sequence[str] | None = None,
        year: int | None = None,
        proposal: str = "development_bank",
        rule: str = "sco_consensus",
        negotiation: bool = True,
        seed: int = 2024,
        evidence: Evidence | None = None,
    ) -> None:
        ev = evidence if evidence is not None else load_evidence()
        stage = ev.stage(preset)
        chosen = tuple(members) if members is not None else stage.members
        setting = Setting(chosen, proposal, stage.year if year is None else year)
        super().__init__(ev, setting, rule=make_rule(rule, chosen), negotiation=negotiation, replications=1, rng=seed)
        self.params: dict[str, Any] = {
            "preset": stage.id,
            "members": chosen,
            "year": setting.year,
            "proposal": proposal,
            "rule": rule,
            "negotiation": negotiation,
            "seed": seed,
        }

    def with_params(self, **changes: Any) -> ClassroomModel:
        """Return a fresh model with some controls changed (a new preset resets the membership and year)."""
        params = {**self.params, **changes}
        if "preset" in changes:
            params["members"], params["year"] = None, None
        return ClassroomModel(**params, evidence=self.evidence)

    def stances(self) -> dict[str, str]:
        """Each member's stance in the last round played ("-" before the first)."""
        if self.steps == 0:
            return {m: "-" for m in self.setting.members}
        return {turn.member: turn.stance for turn in self.turns()}

    def turns(self) -> list[Any]:
        """Every member's turn in the last round played: stance, main reason, citations."""
        return [member_turn(self.evidence, self, i) for i in range(len(self.setting.members))]

    def outcome_text(self) -> str:
        """Return the outcome, or "open" while the summit goes on."""
        code = int(self._outcome[0])
        return Outcome(code).name.lower() if code >= 0 else "open"


def ensemble_summary(ev: Evidence, params: dict[str, Any]) -> dict[str, float]:
    """Pass rate and 95% interval of the model's decision over :data:`ENSEMBLE_REPLICATIONS` replications."""
    members = tuple(params["members"])
    res = run_ensemble(
        ev,
        Setting(members, params["proposal"], params["year"]),
        replications=ENSEMBLE_REPLICATIONS,
        seed=params["seed"],
        rule=make_rule(params["rule"], members),
        negotiation=params["negotiation"],
    )
    lo, hi = res.pass_interval
    return {"pass_rate": res.pass_rate, "ci_low": lo, "ci_high": hi, "coleman": res.coleman}


def stage_curve(ev: Evidence, params: dict[str, Any]) -> pd.DataFrame:
    """Pass rates at SCO-6 to SCO-10 and at the chosen membership, as rows of ``results.csv``."""
    stages = [(s.id, s.members, s.year) for s in ev.stages.values()]
    members = tuple(params["members"])
    if all(set(members) != set(m) for _, m, _ in stages):
        stages.append(("chosen", members, params["year"]))
    rows = []
    for label, who, year in stages:
        res = run_ensemble(
            ev,
            Setting(tuple(who), params["proposal"], year),
            replications=CURVE_REPLICATIONS,
            seed=params["seed"],
            rule=make_rule(params["rule"], who),
            negotiation=params["negotiation"],
        )
        lo, hi = res.pass_interval
        rows.append(
            {
                "stage": label,
                "year": year,
                "n_members": len(who),
                "proposal": params["proposal"],
                "rule": params["rule"],
                "pass_rate": res.pass_rate,
                "ci_low": lo,
                "ci_high": hi,
                "coleman": res.coleman,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------


@solara.component
def Controls(model: solara.Reactive[ClassroomModel]) -> None:
    """Membership, year, proposal, rule, negotiation and seed; every change replaces the model."""
    m = model.value
    ev = m.evidence
    p = m.params

    def change(**kw: Any) -> None:
        model.set(m.with_params(**kw))

    def toggle(mid: str, on: bool) -> None:
        members = [x for x in p["members"] if x != mid] + ([mid] if on else [])
        if len(members) >= 2:
            change(members=tuple(members))

    policies = {pid: prop.name for pid, prop in ev.proposals.items() if prop.kind == "policy"}
    with solara.Card("Summit"):
        solara.Select(
            "Membership preset", value=p["preset"], values=list(ev.stages), on_value=lambda v: change(preset=v)
        )
        solara.SliderInt("Year", value=p["year"], min=2001, max=2030, on_value=lambda v: change(year=v))
        solara.Select(
            "Proposal",
            value=policies[p["proposal"]],
            values=list(policies.values()),
            on_value=lambda v: change(proposal=next(k for k, n in policies.items() if n == v)),
        )
        solara.Select("Decision rule", value=p["rule"], values=list(RULES), on_value=lambda v: change(rule=v))
        solara.Checkbox(label="Negotiation", value=p["negotiation"], on_value=lambda v: change(negotiation=v))
        solara.InputInt("Seed", value=p["seed"], on_value=lambda v: change(seed=int(v)))
    with solara.Card("Members (tick to add, untick to remove)"), solara.Column(gap="0px"):
        for mid, member in ev.members.items():
            solara.Checkbox(
                label=member.name,
                value=mid in p["members"],
                on_value=lambda on, mid=mid: toggle(mid, on),
            )


@solara.component
def MemberCards(model: ClassroomModel) -> None:
    """One card per member: stance in the last round, main reason and citation."""
    update_counter.get()
    turns = {t.member: t for t in model.turns()} if model.steps else {}
    with solara.Row(style={"flex-wrap": "wrap"}):
        for mid in model.setting.members:
            name = model.evidence.members[mid].name
            turn = turns.get(mid)
            stance = turn.stance if turn else "-"
            colour = STANCE_COLOURS.get(stance, "#999999")
            with (
                solara.Card(style={"width": "220px", "border-left": f"6px solid {colour}"}, classes=["member-card"]),
                solara.Column(gap="4px"),
            ):
                solara.Markdown(f"**{name}**")
                solara.Text(stance.replace("_", " "), classes=[f"stance stance-{mid}"], style={"color": colour})
                if turn:
                    solara.Text(f"{turn.main_term}: {turn.reason}", style={"font-size": "0.85em"})
                    if turn.cites:
                        solara.Text("; ".join(str(c) for c in turn.cites[:2]), style={"font-size": "0.75em"})


@solara.component
def SummitState(model: ClassroomModel) -> None:
    """Round, depth, the sponsor's last move and the outcome."""
    update_counter.get()
    last = Concession(int(model.concessions_after(model.steps)[0])).name.lower() if model.steps else "-"
    with solara.Card("Summit"):
        solara.Markdown(
            f"**{model.proposal.name}** · {len(model.setting.members)} members · {model.setting.year} · "
            f"rule {model.rule.name} · sponsor {model.sponsor} · chair {model.chair}"
        )
        with solara.Column(gap="2px"):
            solara.Text(f"Round {model.steps} of {model.rounds} · depth {float(model.depth[0]):.2f}", classes=["round"])
            solara.Text(f"Sponsor's last move: {last}")
            solara.Text(f"Outcome: {model.outcome_text()}", classes=["outcome"])


@solara.component
def EnsemblePanel(model: ClassroomModel) -> None:
    """Pass rate and interval of the same decision over thousands of replications, and the stage chart."""
    key = repr(sorted(model.params.items()))
    summary = solara.use_memo(lambda: ensemble_summary(model.evidence, model.params), [key])
    curve = solara.use_memo(lambda: stage_curve(model.evidence, model.params), [key])
    names = {pid: p.name for pid, p in model.evidence.proposals.items()}
    with solara.Card(f"Ensemble of {ENSEMBLE_REPLICATIONS:,} replications"):
        solara.Text(
            f"Pass rate {100 * summary['pass_rate']:.1f}% "
            f"(95% interval {100 * summary['ci_low']:.1f}-{100 * summary['ci_high']:.1f}%); "
            f"Coleman baseline {100 * summary['coleman']:.2g}%",
            classes=["pass-rate"],
        )
        fig = plotting.plot_pass_rates(curve, names=names, width=6.0)
        solara.FigureMatplotlib(fig, format="png", dependencies=[key])


@solara.component
def SummitView(model: solara.Reactive[ClassroomModel]) -> None:
    """Show the controls (in the sidebar), the state of the summit and the member cards."""
    with solara.Sidebar():
        Controls(model)
    SummitState(model.value)
    MemberCards(model.value)


@solara.component
def Page() -> None:
    """Render the app: a model per session, SolaraViz's controller, and the views."""
    initial = solara.use_memo(ClassroomModel, [])
    model = solara.use_reactive(initial)
    SolaraViz(
        model,
        components=[(lambda _: SummitView(model), 0), (EnsemblePanel, 0)],
        name="scosim classroom: one SCO summit",
        play_interval=600,
    )
