"""Sensitivity: which uncertain parameters of the evidence base drive the headline pass rates.

Design
------
At SCO-10 (2024) every parameter of a decision is uncertain within its cited
range (or the wide prior where the documents are silent) and is drawn from a
triangular distribution.  The inputs of the analysis are the quantiles of
those distributions (uniform on [0, 1]); the output is whether the proposal
passes in that replication, so the mean output is the pass rate.  Parameters
are grouped by member and kind (``russia: sovereignty sensitivity``,
``india: positions``, ``relations``, ``proposal``...).  Sobol indices are
estimated with SALib: Saltelli's scheme on a scrambled Sobol' sequence
(``N (G + 2)`` model runs for ``G`` groups), first-order and total indices,
with 95% bootstrap intervals.  A first-order index is the share of the
pass/fail variance a group explains alone; a total index adds its
interactions.

Outputs
-------
``sobol`` (figure: the ten most influential groups per proposal),
``indices`` (every group), ``parameters`` (every parameter with its group and
range), ``samples.npz`` (every sampled parameter set, as quantiles).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.common import FLAGSHIPS, options, output, parse
from sim.constants import ModelConstants
from sim.draws import Setting, parameter_names
from sim.evidence import Evidence, load_evidence
from sim.model import Outcome, SummitModel, package_pool

NAME = "sensitivity"
PARALLEL = False
"""Whether the experiment takes ``--workers``."""
STAGE = "SCO-10"
BATCH = 16384


def group_of(name: str) -> str:
    """Group of a parameter: ``member: kind`` (``russia: positions``), ``proposal: kind`` or ``relations``."""
    head, _, rest = name.partition(".")
    if head == "relation":
        return "relations"
    kind = rest.split(".", 1)[0]
    return f"{head}: {kind.replace('_', ' ')}"


def problem(ev: Evidence, setting: Setting) -> tuple[dict[str, object], pd.DataFrame]:
    """SALib problem (quantiles of every parameter, grouped) and the table of parameters."""
    params = parameter_names(ev, setting, ModelConstants(), package_pool(ev, setting))
    table = pd.DataFrame(
        [
            {
                "parameter": name,
                "group": group_of(name),
                "low": est.low,
                "mode": est.value,
                "high": est.high,
                "documented": est.documented,
            }
            for name, est in params
        ]
    )
    spec = {
        "num_vars": len(params),
        "names": table["parameter"].tolist(),
        "bounds": [[0.0, 1.0]] * len(params),
        "groups": table["group"].tolist(),
    }
    return spec, table


def passes(ev: Evidence, setting: Setting, quantiles: np.ndarray) -> np.ndarray:
    """Pass (1) or fail (0) for each row of ``quantiles`` (one parameter set per row), in batches."""
    out = []
    for start in range(0, len(quantiles), BATCH):
        block = np.ascontiguousarray(quantiles[start : start + BATCH].T)
        record = SummitModel(ev, setting, uniforms=block, rng=0).run()
        out.append((record.outcome != Outcome.BLOCKED).astype(float))
    return np.concatenate(out)


def analyse(ev: Evidence, pid: str, base: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, float]:
    """Sobol indices of one proposal's pass/fail at SCO-10; also the parameters, the samples and the pass rate."""
    from SALib.analyze import sobol
    from SALib.sample import sobol as saltelli

    stage = ev.stages[STAGE]
    setting = Setting(stage.members, pid, stage.year)
    spec, table = problem(ev, setting)
    samples = saltelli.sample(spec, base, calc_second_order=False, scramble=True, seed=seed)
    y = passes(ev, setting, samples)
    groups = list(dict.fromkeys(table["group"]))
    if np.var(y) == 0:
        nan = [float("nan")] * len(groups)
        indices = pd.DataFrame({"group": groups, "S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan})
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)  # SALib warns when a resample is constant
            si = sobol.analyze(spec, y, calc_second_order=False, num_resamples=1000, conf_level=0.95, seed=seed)
        indices = pd.DataFrame(
            {
                "group": si.get("names", groups),
                **{k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
            }
        )
    indices.insert(0, "proposal", pid)
    table.insert(0, "proposal", pid)
    return indices, table, samples.astype(np.float32), float(y.mean())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and write its figures, data, tables and provenance."""
    from sim import plotting

    parser = options(NAME, __doc__.splitlines()[0], replications=None, parallel=PARALLEL)
    parser.add_argument("--base-samples", "-N", type=int, default=2048, help="Saltelli base sample (a power of 2)")
    args = parse(parser, argv)
    if args.base_samples < 2 or args.base_samples & (args.base_samples - 1):
        parser.error("--base-samples must be a power of 2, at least 2")
    ev = load_evidence()
    out = output(NAME, args.out)
    all_indices, all_parameters, samples, rates = [], [], {}, {}
    for pid in FLAGSHIPS:
        indices, table, x, rate = analyse(ev, pid, args.base_samples, args.seed)
        all_indices.append(indices)
        all_parameters.append(table)
        samples[pid] = x
        rates[pid] = rate
    indices = pd.concat(all_indices, ignore_index=True)
    out.data(indices, "indices")
    out.data(pd.concat(all_parameters, ignore_index=True), "parameters")
    out.arrays("samples", **samples)
    names = {p: ev.proposals[p].name for p in FLAGSHIPS}
    out.figure(plotting.plot_sobol(indices, names=names), "sobol")
    top = (
        indices.dropna(subset=["ST"])
        .sort_values(["proposal", "ST"], ascending=[True, False], kind="stable")
        .groupby("proposal", sort=False)
        .head(5)
    )
    out.table(
        top,
        "top_groups",
        f"The five parameter groups with the largest total Sobol index per proposal at {STAGE} "
        f"(Saltelli base sample {args.base_samples}, seed {args.seed}; "
        "conf: half-width of the 95% bootstrap interval).",
    )
    out.finish(
        scenario={"stage": STAGE, "proposals": list(FLAGSHIPS), "rule": "sco_consensus", "negotiation": True},
        seed=args.seed,
        replications={pid: len(samples[pid]) for pid in FLAGSHIPS},
        base_samples=args.base_samples,
        pass_rate_in_samples=rates,
        method="SALib Saltelli/Sobol, first and total order, 1000 bootstrap resamples, 95% intervals",
    )
    print(f"sensitivity: wrote {len(out.files)} files to {out.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
