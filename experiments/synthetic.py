r"""Synthetic expansion: how much of the decline in pass rates is arithmetic, and how much diverging interests.

Design
------
The SCO grows from 2 to 30 members.  The first ten are the members of SCO-10
in the order of ``seeds/stages.toml``; the others are copies of profiles drawn
at random, with replacement, from the 19 states of the evidence base, so the
new members follow the evidence base's distribution of interests.  A copy
keeps every range of its original's profile (positions, salience, capability,
sovereignty sensitivity, relative gains, outside options) but none of its
bilateral relations, and it gets the proposal's default gain, like any state
the documents do not name.  The proposals are decided under consensus with
negotiation, with profiles as of 2024.

Two references share the axes: impartial voting, where each member supports
with probability 1/2 and a consensus passes with probability :math:`2^{-n}`
(pure institutional arithmetic), and a random spatial model
(:mod:`sim.spatial`: random ideal points, saliences and proposals in six
dimensions), where interests diverge without any evidence behind them.  The
table ``decay`` fits :math:`\log p_n = a + n \log b` to each curve; ``b`` is
the share of the pass rate that survives each new member (1/2 for impartial
voting).

Outputs
-------
``decline`` (figure and data), ``decay`` (table).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.common import options, output, parse
from sim.analysis import wilson_interval
from sim.draws import Setting
from sim.ensemble import run_ensemble
from sim.evidence import Evidence, load_evidence
from sim.spatial import spatial_passes
from sim.synthetic import synthetic_members

NAME = "synthetic"
PARALLEL = False
"""Whether the experiment takes ``--workers``."""
PROPOSALS = ("development_bank", "energy_framework", "energy_club")
YEAR = 2024


def curves(ev: Evidence, sizes: Sequence[int], replications: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    """Pass rates with 95% intervals of every series at every size."""
    clones_rng, spatial_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    ev2, order = synthetic_members(ev, max(sizes), clones_rng)
    rows = []
    for n in sizes:
        members = tuple(order[:n])
        for pid in PROPOSALS:
            res = run_ensemble(ev2, Setting(members, pid, YEAR), replications=replications, seed=seed)
            lo, hi = res.pass_interval
            name = f"documents: {ev.proposals[pid].name}"
            rows.append({"series": name, "n_members": n, "pass_rate": res.pass_rate, "ci_low": lo, "ci_high": hi})
        k = spatial_passes(n, replications, spatial_rng)
        low, high = wilson_interval(k, replications)
        rows.append(
            {
                "series": "random spatial model",
                "n_members": n,
                "pass_rate": k / replications,
                "ci_low": float(low),
                "ci_high": float(high),
            }
        )
        exact = 2.0**-n
        rows.append(
            {"series": "impartial (2^-n)", "n_members": n, "pass_rate": exact, "ci_low": exact, "ci_high": exact}
        )
    return pd.DataFrame(rows), order


def decay(frame: pd.DataFrame) -> pd.DataFrame:
    """Per series: pass rates at 10, 20 and 30 members and the fitted per-member survival factor ``b``."""
    out = []
    for name, rows in frame.groupby("series", sort=False):
        positive = rows[rows["pass_rate"] > 0]
        slope = (
            float(np.polyfit(positive["n_members"], np.log(positive["pass_rate"]), 1)[0])
            if len(positive) > 1
            else float("nan")
        )
        at = rows.set_index("n_members")["pass_rate"]
        out.append(
            {
                "series": name,
                **{f"pass at {n} (%)": 100 * float(at.get(n, np.nan)) for n in (10, 20, 30)},
                "fitted on n": f"{int(positive['n_members'].min())}-{int(positive['n_members'].max())}"
                if len(positive)
                else "-",
                "survival per member b": float(np.exp(slope)),
            }
        )
    return pd.DataFrame(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    parser = options(NAME, __doc__.splitlines()[0], replications=10000, parallel=PARALLEL)
    parser.add_argument("--max-members", type=int, default=30, help="largest membership (default 30)")
    args = parse(parser, argv)
    ev = load_evidence()
    out = output(NAME, args.out)
    sizes = list(range(2, args.max_members + 1))
    frame, order = curves(ev, sizes, args.replications, args.seed)
    out.data(frame, "decline")
    out.figure(plotting.plot_decline(frame), "decline")
    out.table(
        decay(frame),
        "decay",
        "Pass rates (%) at 10, 20 and 30 members and the fitted share b of the pass rate that survives each new "
        f"member, log p = a + n log b, over the sizes with a positive pass rate ({args.replications:,} replications, "
        f"seed {args.seed}).",
    )
    out.finish(
        scenario={"proposals": list(PROPOSALS), "members_in_order": order, "year": YEAR, "rule": "sco_consensus"},
        seed=args.seed,
        replications=args.replications,
        sizes=sizes,
    )
    print(f"synthetic: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
