"""scosim: agent-based simulation of consensus decision-making in the Shanghai Cooperation Organisation.

The public API mirrors the command line (see ``docs/python.md``)::

    import sim

    scenario = sim.load_scenario("scenarios/expansion_economic.toml")
    result = sim.run(scenario, workers=2)      # result.results, result.members: DataFrames
    sim.write_run(result, "results/economic")  # what `scosim run` writes
    fig = sim.plot_pass_rates(result.results)

Names are imported lazily, on first use: ``import sim`` loads neither pandas
nor matplotlib, and the simulation core (:mod:`sim.model`, :mod:`sim.ensemble`)
never imports matplotlib.

The package is organised in small modules named for what they hold:
:mod:`sim.evidence` (the cited evidence base), :mod:`sim.scenario` (scenario
files), :mod:`sim.model` (Mesa agents and model), :mod:`sim.rules`,
:mod:`sim.negotiation`, :mod:`sim.ensemble` (seeded Monte Carlo ensembles),
:mod:`sim.runner` (scenario runs), :mod:`sim.outputs` (result directories),
:mod:`sim.plotting` (every chart) and :mod:`sim.cli` (the ``scosim`` command).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("scosim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

_API = {
    "load_evidence": "sim.evidence",
    "load_scenario": "sim.scenario",
    "parse_scenario": "sim.scenario",
    "Scenario": "sim.scenario",
    "run": "sim.runner",
    "ScenarioRun": "sim.runner",
    "write_run": "sim.outputs",
    "read_run": "sim.outputs",
    "plot_pass_rates": "sim.plotting",
    "plot_objections": "sim.plotting",
    "run_ensemble": "sim.ensemble",
    "narrate": "sim.explain",
}

__all__ = [
    "Scenario",
    "ScenarioRun",
    "__version__",
    "load_evidence",
    "load_scenario",
    "narrate",
    "parse_scenario",
    "plot_objections",
    "plot_pass_rates",
    "read_run",
    "run",
    "run_ensemble",
    "write_run",
]

if TYPE_CHECKING:
    from sim.ensemble import run_ensemble
    from sim.evidence import load_evidence
    from sim.explain import narrate
    from sim.outputs import read_run, write_run
    from sim.plotting import plot_objections, plot_pass_rates
    from sim.runner import ScenarioRun, run
    from sim.scenario import Scenario, load_scenario, parse_scenario


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
