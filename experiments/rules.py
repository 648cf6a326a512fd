"""Rules: which decision rule would have let the FTA or the bank pass, and at what cost to whom.

Design
------
The three flagships go through the same expansion path as in
:mod:`experiments.expansion` under five rules: the SCO's consensus (no member
objects), unanimity (every member supports), consensus minus one (at most one
objection), a qualified majority weighted by capability (the supporters hold
two thirds of the members' best capability estimates) and simple majority.
All rules see the same replications (same seed, same draws), so differences
are the rules' alone.  The cost of a rule is measured per replication as the
share of members *outvoted* (they objected, the proposal passed all the same)
and the share *opting out*; ``outvoted_members`` says who bears it.

Outputs
-------
``pass_rates`` (one panel per proposal, one line per rule), ``costs`` (pass
rate, members outvoted and opting out at SCO-10), the table ``answer``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pandas as pd

from experiments.common import FLAGSHIPS, expansion_stages, options, output, parse
from sim.evidence import load_evidence
from sim.runner import ScenarioRun, cells, run
from sim.scenario import build_scenario

NAME = "rules"
PARALLEL = True
"""Whether the experiment takes ``--workers``."""
RULES: list[object] = [
    "sco_consensus",
    "unanimity",
    "consensus_minus_one",
    {"kind": "qualified_majority", "label": "qmv_capability", "weights": "capability", "quota_share": 2 / 3},
    "simple_majority",
]
FOCUS = "SCO-10"


def member_costs(result: ScenarioRun) -> pd.DataFrame:
    """Per stage, rule, proposal and member: outvoted and opt-out rates (from the ensembles)."""
    rows = []
    for cell, res in zip(cells(result.scenario), result.ensembles, strict=True):
        for member, rates in res.member_rates().items():
            rows.append(
                {
                    "stage": cell.stage.label,
                    "rule": cell.rule,
                    "proposal": cell.proposal,
                    "member": member,
                    "outvoted_rate": rates["outvoted_rate"],
                    "opt_out_rate": rates["opt_out_rate"],
                    "objection_rate": rates["objection_rate"],
                }
            )
    return pd.DataFrame(rows)


def costs(results: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Per stage, rule and proposal: pass rate and the mean share of members outvoted or opting out."""
    shares = (
        members.groupby(["stage", "rule", "proposal"], sort=False)[["outvoted_rate", "opt_out_rate"]]
        .mean()
        .rename(columns={"outvoted_rate": "outvoted_share", "opt_out_rate": "opt_out_share"})
        .reset_index()
    )
    keep = ["stage", "n_members", "rule", "proposal", "pass_rate", "ci_low", "ci_high"]
    return results[keep].merge(shares, on=["stage", "rule", "proposal"], how="left")


def answer(cost: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """At the focus stage: pass rate, costs and the member most often outvoted, per rule and proposal."""
    focus = cost[cost["stage"] == FOCUS]
    rows = []
    for _, r in focus.iterrows():
        m = members[
            (members["stage"] == FOCUS) & (members["rule"] == r["rule"]) & (members["proposal"] == r["proposal"])
        ]
        top = m.loc[m["outvoted_rate"].idxmax()]
        rows.append(
            {
                "rule": r["rule"],
                "proposal": r["proposal"],
                "pass rate (%)": f"{100 * r['pass_rate']:.1f} [{100 * r['ci_low']:.1f}, {100 * r['ci_high']:.1f}]",
                "outvoted (% of members)": 100 * r["outvoted_share"],
                "opting out (% of members)": 100 * r["opt_out_share"],
                "most outvoted": f"{top['member']} ({100 * top['outvoted_rate']:.0f}%)"
                if top["outvoted_rate"]
                else "-",
            }
        )
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    args = parse(options(NAME, __doc__.splitlines()[0], replications=5000, parallel=PARALLEL), argv)
    ev = load_evidence()
    out = output(NAME, args.out)
    scenario = build_scenario(
        {
            "name": "Rules compared over the expansion",
            "seed": args.seed,
            "replications": args.replications,
            "proposals": list(FLAGSHIPS),
            "rule": RULES,
            "stages": expansion_stages(ev),
        },
        file="<experiment rules>",
        evidence=ev,
    )
    result = run(scenario, workers=args.workers)
    names = {p: ev.proposals[p].name for p in FLAGSHIPS}
    members = member_costs(result)
    cost = costs(result.results, members)
    out.data(result.results, "pass_rates")
    out.figure(plotting.plot_pass_rates(result.results, names=names), "pass_rates")
    out.data(cost, "costs")
    out.figure(plotting.plot_rule_costs(cost[cost["stage"] == FOCUS], names=names), "costs")
    out.data(members, "outvoted_members")
    out.table(
        answer(cost, members),
        "answer",
        f"Decision rules at {FOCUS}: pass rate with 95% interval, mean share of members outvoted "
        f"or opting out, and the member most often outvoted ({args.replications:,} replications, seed {args.seed}).",
        float_format="{:.1f}",
    )
    out.finish(scenario=scenario.to_dict(), seed=args.seed, replications=args.replications, focus_stage=FOCUS)
    print(f"rules: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
