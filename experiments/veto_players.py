"""Veto players: who blocks what, and how each member's pivotality changes as the SCO expands.

Design
------
Every policy proposal is decided at SCO-6, SCO-8, SCO-9 and SCO-10 and along
the hypothetical enlargements of :mod:`experiments.common`.  A member
*objects* when its final stance is an objection; it is *pivotal* in a
replication when the proposal failed and would have passed had that member
supported it.  Pivotality summarises who holds the veto in practice: under
consensus every member holds it in law, but only those whose objection alone
decides a block use it.

Outputs
-------
``objections`` and ``pivotal`` (member × proposal heatmaps per stage, SCO-6 to
SCO-10), ``pivotality`` (each member's mean pivotal rate across proposals at
every stage), the table ``pivotality_table``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pandas as pd

from experiments.common import CORE_STAGES, expansion_stages, options, output, parse
from sim.evidence import load_evidence
from sim.runner import run
from sim.scenario import build_scenario

NAME = "veto_players"
PARALLEL = True
"""Whether the experiment takes ``--workers``."""


def pivotality(members: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Each member's mean pivotal and objection rates across proposals, per stage."""
    mean = members.groupby(["stage", "member"], sort=False)[["pivotal_rate", "objection_rate"]].mean().reset_index()
    counts = results.drop_duplicates("stage")[["stage", "n_members"]]
    return mean.merge(counts, on="stage")


def pivotality_table(piv: pd.DataFrame) -> pd.DataFrame:
    """Mean pivotal rate (%) of each member at SCO-6 to SCO-10 and its change since the member's first stage."""
    core = piv[piv["stage"].isin(CORE_STAGES)]
    wide = core.pivot_table(index="member", columns="stage", values="pivotal_rate", sort=False)
    wide = (100 * wide.reindex(columns=list(CORE_STAGES))).round(1)
    first = wide.apply(lambda r: r.dropna().iloc[0], axis=1)
    wide["change"] = (wide["SCO-10"] - first).round(1)
    return wide.reset_index()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    args = parse(options(NAME, __doc__.splitlines()[0], replications=5000, parallel=PARALLEL), argv)
    ev = load_evidence()
    out = output(NAME, args.out)
    policy = [p.id for p in ev.proposals.values() if p.kind == "policy"]
    scenario = build_scenario(
        {
            "name": "Veto players over the expansion",
            "seed": args.seed,
            "replications": args.replications,
            "proposals": policy,
            "stages": expansion_stages(ev),
        },
        file="<experiment veto_players>",
        evidence=ev,
    )
    result = run(scenario, workers=args.workers)
    members, results = result.members, result.results
    names = {p.id: p.name for p in ev.proposals.values()}
    core = members[members["stage"].isin(CORE_STAGES)]
    out.data(core, "members")
    for value, stem in (("objection_rate", "objections"), ("pivotal_rate", "pivotal")):
        fig = plotting.plot_objections(core, names=names, value=value, columns=2, width=7.0)
        out.figure(fig, stem)
    piv = pivotality(members, results)
    out.data(piv, "pivotality")
    out.figure(
        plotting.plot_stage_heatmap(piv, row="member", value="pivotal_rate", label="Mean pivotal rate"), "pivotality"
    )
    out.table(
        pivotality_table(piv),
        "pivotality_table",
        "Mean pivotal rate (%) of each member across the policy proposals, by stage, and its change from the "
        f"member's first stage to SCO-10 ({args.replications:,} replications per cell, seed {args.seed}).",
        float_format="{:.1f}",
    )
    out.finish(scenario=scenario.to_dict(), seed=args.seed, replications=args.replications)
    print(f"veto_players: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
