"""Expansion: how often each proposal passes as the SCO grows.

Design
------
Every policy proposal in the evidence base is decided under the SCO's
consensus rule, with negotiation, at each stage of the expansion path
(:mod:`experiments.common`): SCO-6, SCO-8, SCO-9, SCO-10 and eight
hypothetical enlargements up to 18 members.  The admission proposal is decided
at each stage with the next stage's entrants as the candidates (India and
Pakistan at SCO-6, Iran at SCO-8, and so on).  The Coleman baseline is the
passage probability of the same rule with the same number of impartial
members, :math:`2^{-n}`.

Outputs
-------
``headline`` (the FTA, the bank and the energy club, linear and log scale),
``breakdown`` (full, watered down, opt-out), ``all_proposals`` (every
proposal, heatmap); the table ``headline_table`` (pass rates with 95%
intervals at SCO-6 to SCO-10).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from experiments.common import CANDIDATES, CORE_STAGES, FLAGSHIPS, expansion_stages, options, output, parse
from sim.evidence import Evidence, load_evidence
from sim.runner import run
from sim.scenario import Scenario, build_scenario

NAME = "expansion"
PARALLEL = True
"""Whether the experiment takes ``--workers``."""
ORDER_NOTE = (
    "Membership stage (members). After SCO-10, candidates join one at a time: "
    "the observer Mongolia, then dialogue partners by seniority, then Turkmenistan."
)


def scenarios(ev: Evidence, replications: int, seed: int) -> tuple[Scenario, Scenario]:
    """Build the policy scenario over the whole path, and the admission of each stage's next entrants."""
    policy = [p.id for p in ev.proposals.values() if p.kind == "policy"]
    stages = expansion_stages(ev)
    common: dict[str, Any] = {"seed": seed, "replications": replications, "rule": "sco_consensus"}
    main = build_scenario(
        {"name": "Expansion: every policy proposal", "proposals": policy, "stages": stages, **common},
        file="<experiment expansion>",
        evidence=ev,
    )
    members = [set(ev.stages[s].members) for s in CORE_STAGES]
    members += [set(ev.stages["SCO-10"].members) | set(CANDIDATES[: k + 1]) for k in range(len(CANDIDATES))]
    admission_stages = []
    for k, stage in enumerate(stages[:-1]):
        joining = sorted(members[k + 1] - members[k], key=lambda m: list(ev.members).index(m))
        admission_stages.append({**stage, "candidates": joining})
    admission = build_scenario(
        {"name": "Expansion: admitting the next entrants", "proposals": ["admission"], "stages": admission_stages}
        | common,
        file="<experiment expansion>",
        evidence=ev,
    )
    return main, admission


def headline_table(results: pd.DataFrame) -> pd.DataFrame:
    """Pass rates with 95% intervals of the flagships at SCO-6 to SCO-10, in percent."""
    rows = results[results["proposal"].isin(FLAGSHIPS) & results["stage"].isin(CORE_STAGES)]
    table = rows.assign(
        cell=[
            f"{100 * p:.1f} [{100 * lo:.1f}, {100 * hi:.1f}]"
            for p, lo, hi in zip(rows["pass_rate"], rows["ci_low"], rows["ci_high"], strict=True)
        ]
    ).pivot_table(index="proposal", columns="stage", values="cell", aggfunc="first", sort=False)
    table = table.reindex(index=list(FLAGSHIPS), columns=list(CORE_STAGES)).reset_index()
    coleman = rows.drop_duplicates("stage").set_index("stage")["coleman"].reindex(CORE_STAGES)
    baseline = {"proposal": "Coleman baseline", **{s: f"{100 * c:.2g}" for s, c in coleman.items()}}
    return pd.concat([table, pd.DataFrame([baseline])], ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    args = parse(options(NAME, __doc__.splitlines()[0], replications=10000, parallel=PARALLEL), argv)
    ev = load_evidence()
    out = output(NAME, args.out)
    policy, admission = scenarios(ev, args.replications, args.seed)
    results = pd.concat(
        [run(policy, workers=args.workers).results, run(admission, workers=args.workers).results], ignore_index=True
    )
    stages = list(dict.fromkeys(results["stage"]))
    results = results.sort_values("stage", key=lambda s: s.map(stages.index), kind="stable").reset_index(drop=True)
    names = {p.id: p.name for p in ev.proposals.values()}
    flagships = results[results["proposal"].isin(FLAGSHIPS)]

    out.data(flagships, "headline")
    out.figure(plotting.plot_pass_rates(flagships, names=names, xlabel=ORDER_NOTE), "headline")
    out.figure(plotting.plot_pass_rates(flagships, names=names, xlabel=ORDER_NOTE, log=True), "headline_log")
    out.data(
        flagships[["stage", "n_members", "proposal", "full_rate", "watered_down_rate", "opt_out_rate"]], "breakdown"
    )
    out.figure(plotting.plot_breakdown(flagships, names=names, xlabel=ORDER_NOTE), "breakdown")
    out.data(results, "all_proposals")
    out.figure(plotting.plot_pass_heatmap(results, names=names), "all_proposals")
    out.table(
        headline_table(results),
        "headline_table",
        "Pass rate (%) with 95% Wilson interval under sco_consensus with negotiation, "
        f"{args.replications:,} replications per cell, seed {args.seed}; Coleman baseline 2^-n in %.",
    )
    out.finish(
        scenario={"policy": policy.to_dict(), "admission": admission.to_dict()},
        seed=args.seed,
        replications=args.replications,
        stage_order=stages,
    )
    print(f"expansion: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
