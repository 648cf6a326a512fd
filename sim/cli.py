"""The ``scosim`` command line.

Bad input never produces a traceback: every :class:`~sim.errors.InputError` is
printed as one line ``error: ...`` on stderr and the command exits with status 2.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

from rich.console import Console, RenderableType
from rich.text import Text
from tqdm import tqdm

from experiments import NAMES as EXPERIMENTS
from sim import reports, tables
from sim.backtest import run_backtest
from sim.checkpoint import CHECKPOINT_DIR, Checkpoint, RunInterrupted
from sim.draws import Setting
from sim.ensemble import BATCH_CHUNKS, run_ensemble
from sim.errors import InputError, did_you_mean
from sim.evidence import Evidence, load_evidence
from sim.explain import narrate, render
from sim.outputs import check_output_dir, read_run, write_charts, write_run
from sim.rules import make_rule
from sim.runner import cells, run
from sim.scenario import Scenario, load_scenario, schema_json

__all__ = ["main"]

_LISTS: dict[str, Callable[[Evidence], list[RenderableType]]] = {
    "members": tables.members_table,
    "proposals": tables.proposals_table,
    "events": tables.events_table,
    "stages": tables.stages_table,
    "sources": tables.sources_table,
}


_PIPE_WIDTH = 160
"""Output width when stdout is not a terminal (files, pipes, CI logs)."""


class _Interrupted(Exception):
    """A run stopped by a signal; carries the exit status and the message."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors exit with status 2 and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def _build_parser() -> argparse.ArgumentParser:
    # The same options are accepted before and after the subcommand; argparse
    # keeps them apart (``*_top``) and :func:`main` merges them.
    common = _Parser(add_help=False)
    common.add_argument("--seeds", type=Path, default=None, help="evidence directory (default: the bundled seeds/)")
    common.add_argument("--width", type=int, default=None, help="output width in characters (default: terminal)")
    parser = _Parser(
        prog="scosim",
        description="Consensus decision-making in the Shanghai Cooperation Organisation.",
    )
    parser.add_argument("--seeds", dest="seeds_top", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--width", dest="width_top", type=int, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("summary", help="summarise the evidence base", parents=[common])
    sub.add_parser("check", help="validate the evidence base and report problems", parents=[common])

    p_list = sub.add_parser("list", help="list members, proposals, events, stages or sources", parents=[common])
    p_list.add_argument("what", help="one of: " + ", ".join(_LISTS))

    p_show = sub.add_parser(
        "show", help="show a member, proposal or event in full, with ranges and citations", parents=[common]
    )
    p_show.add_argument("kind", help="member, proposal or event")
    p_show.add_argument("name", help="id or name (case-insensitive for members)")
    p_show.add_argument("--year", type=int, default=None, help="member profile as it stood in this year")

    p_bt = sub.add_parser("backtest", help="replay every recorded event and score the model", parents=[common])
    p_bt.add_argument("--replications", "-R", type=_positive, default=2000)
    p_bt.add_argument("--seed", type=int, default=2024)

    for name, helptext in (
        ("simulate", "run an ensemble for one proposal and membership"),
        ("explain", "narrate one replication round by round (of a proposal, or of a scenario's stage)"),
    ):
        p = sub.add_parser(name, help=helptext, parents=[common])
        if name == "explain":
            p.add_argument("proposal", help="proposal id, or a scenario file (then use --stage LABEL --proposal ID)")
            p.add_argument("--proposal", dest="scenario_proposal", default=None, help="with a scenario: proposal id")
        else:
            p.add_argument("proposal", help="proposal id (see `scosim list proposals`)")
        p.add_argument("--stage", default=None, help="membership preset (default SCO-10), or a scenario's stage label")
        p.add_argument("--members", default=None, help="comma-separated member ids instead of a stage")
        p.add_argument("--year", type=int, default=None, help="profiles as of this year (default: the stage's year)")
        p.add_argument("--candidates", default="", help="comma-separated candidates for an admission")
        p.add_argument(
            "--rule",
            default=None,
            help="sco_consensus (default), unanimity, consensus_minus_one, simple_majority; or a scenario's rule label",
        )
        p.add_argument("--no-negotiation", action="store_true", help="a single vote, no concessions")
        p.add_argument("--seed", type=int, default=None, help="random seed (default 2024, or the scenario's)")
        if name == "simulate":
            p.add_argument("--replications", "-R", type=_positive, default=20000)
            p.add_argument("--impartial", action="store_true", help="impartial voting (Penrose-Coleman null model)")

    p_run = sub.add_parser("run", help="run a scenario file: tables, CSVs, charts and summary.json", parents=[common])
    p_run.add_argument("scenario", type=Path, help="scenario TOML file (see docs/scenarios.md)")
    p_run.add_argument("--out", type=Path, default=None, help="output directory (default: results/<file stem>)")
    p_run.add_argument("--seed", type=_natural, default=None, help="override the scenario's seed")
    p_run.add_argument("--replications", "-R", type=_positive, default=None, help="override the replications")
    p_run.add_argument("--workers", "-j", type=_positive, default=1, help="local processes (results do not change)")
    p_run.add_argument("--force", action="store_true", help="write into a non-empty output directory")
    p_run.add_argument("--no-charts", action="store_true", help="write the tables only")
    p_run.add_argument("--resume", action="store_true", help="complete an interrupted run in the same --out directory")
    p_run.add_argument(
        "--scheduler", default=None, metavar="ADDRESS", help="run on an existing Dask cluster (e.g. tcp://host:8786)"
    )

    p_val = sub.add_parser("validate", help="check a scenario file without running it", parents=[common])
    p_val.add_argument("scenario", type=Path)

    sub.add_parser("schema", help="print the JSON Schema of scenario files", parents=[common])

    p_plot = sub.add_parser("plot", help="redraw the charts of a finished run from its CSVs", parents=[common])
    p_plot.add_argument("directory", type=Path, help="output directory of `scosim run`")

    p_xp = sub.add_parser(
        "experiment",
        help="run a paper experiment (or all) into results/experiments/NAME/",
        description="Run a paper experiment; options after NAME go to it (see `scosim experiment NAME -h`).",
        parents=[common],
    )
    p_xp.add_argument("name", help="one of: " + ", ".join([*EXPERIMENTS, "all"]))
    p_xp.add_argument("options", nargs=argparse.REMAINDER, help="options of the experiment")

    p_app = sub.add_parser("app", help="launch the classroom web app (Solara; opens no browser)", parents=[common])
    p_app.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p_app.add_argument("--port", type=_whole(1), default=8765, help="port (default 8765)")

    p_bench = sub.add_parser(
        "bench", help="throughput benchmark: decisions/s against the floor and mesa.batch_run", parents=[common]
    )
    p_bench.add_argument("--max-replications", type=_whole(1), default=10**7, help="largest ensemble (default 10^7)")
    p_bench.add_argument("--repeat", type=_whole(1), default=2, help="best of this many runs per size (default 2)")
    p_bench.add_argument("--batch-run", type=_whole(1), default=300, help="replications for mesa.batch_run")

    p_exp = sub.add_parser(
        "expansion", help="pass rates of the FTA, the bank and the energy club from SCO-6 to SCO-10", parents=[common]
    )
    p_exp.add_argument("--replications", "-R", type=_positive, default=20000)
    p_exp.add_argument("--seed", type=int, default=2024)
    p_exp.add_argument("--proposals", default="fta,development_bank,energy_club")
    return parser


def _whole(minimum: int) -> Callable[[str], int]:
    """Argument type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


_positive = _whole(1)
_natural = _whole(0)


def _setting(ev: Evidence, args: argparse.Namespace) -> Setting:
    proposal = ev.proposal(args.proposal).id
    if args.members:
        members = tuple(ev.member(m.strip()).id for m in args.members.split(",") if m.strip())
        if len(members) < 2:
            raise InputError(None, None, "--members", "a decision needs at least two members")
        year = args.year if args.year is not None else 2024
    else:
        stage = ev.stage(args.stage or "SCO-10")
        members, year = stage.members, (args.year if args.year is not None else stage.year)
    candidates = tuple(ev.member(c.strip()).id for c in args.candidates.split(",") if c.strip())
    if ev.proposal(proposal).kind == "admission" and not candidates:
        raise InputError(None, None, "--candidates", "an admission needs at least one candidate")
    return Setting(members, proposal, year, candidates)


def _scenario(args: argparse.Namespace) -> Scenario:
    scenario = load_scenario(args.scenario, load_evidence(args.seeds))
    return scenario.with_overrides(seed=getattr(args, "seed", None), replications=getattr(args, "replications", None))


@contextmanager
def _stop_on_signals() -> Iterator[list[int]]:
    """While active, SIGINT and SIGTERM ask the run to stop cleanly; yields the signals received."""
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _scheduler(address: str | None) -> Iterator[Executor | None]:
    """Yield a Dask distributed executor on the scheduler at ``address`` (optional extra ``distributed``)."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            None, None, "--scheduler", "needs the optional extra: pip install 'scosim[distributed]'"
        ) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(None, None, "--scheduler", f"cannot reach a Dask scheduler at {address!r}: {exc}") from None
    with client:
        yield client.get_executor()  # type: ignore[no-untyped-call]


def _run_scenario(args: argparse.Namespace) -> list[RenderableType]:
    scenario = _scenario(args)
    target = args.out if args.out is not None else Path("results") / args.scenario.stem
    if not args.resume:
        check_output_dir(target, force=args.force)  # before spending the time
    elif target.exists() and not target.is_dir():
        raise InputError(target, None, None, "output path exists and is not a directory")
    record = {k: v for k, v in scenario.to_dict().items() if k != "file"} | {"chunks_per_batch": BATCH_CHUNKS}
    checkpoint = Checkpoint(target / CHECKPOINT_DIR, record, resume=args.resume)
    total = scenario.replications * len(scenario.stages) * len(scenario.rules) * len(scenario.proposals)
    with (
        _stop_on_signals() as received,
        _scheduler(args.scheduler) as executor,
        tqdm(
            total=total, unit="rep", unit_scale=True, delay=1.0, file=sys.stderr, disable=None, desc=scenario.name[:40]
        ) as bar,
    ):
        try:
            result = run(
                scenario,
                workers=args.workers,
                executor=executor,
                progress=bar.update,
                checkpoint=checkpoint,
                stop=lambda: bool(received),
            )
        except RunInterrupted as exc:
            raise _Interrupted(
                128 + received[0],
                f"interrupted: {exc}; they are kept in {checkpoint.directory}/. "
                f"Run the same command with --resume to complete the run.",
            ) from None
    write_run(result, target, force=True, charts=not args.no_charts)
    checkpoint.clear()
    parts: list[RenderableType] = []
    for choice in scenario.rules:
        rows = sorted(
            (
                (c.stage.label, res)
                for c, res in zip(cells(scenario), result.ensembles, strict=True)
                if c.rule == choice.label
            ),
            key=lambda r: scenario.proposals.index(r[1].setting.proposal),
        )
        title = (
            f"{scenario.name}: {choice.label}, preferences {scenario.preferences}, "
            f"negotiation {'on' if scenario.negotiation else 'off'}, {scenario.replications:,} replications, "
            f"seed {scenario.seed}"
        )
        parts += reports.expansion_table(scenario.evidence, rows, title=title)
    return [
        *parts,
        f"wrote {target}/ (results.csv, members.csv, "
        f"{'charts, ' if not args.no_charts else ''}summary.json) in {result.wall_time:.1f} s",
    ]


def _explain_scenario(args: argparse.Namespace) -> list[RenderableType]:
    scenario = _scenario(args)
    if args.stage is None and len(scenario.stages) > 1:
        raise InputError(None, None, "--stage", f"choose a stage: {', '.join(scenario.labels)}")
    if args.scenario_proposal is None and len(scenario.proposals) > 1:
        raise InputError(None, None, "--proposal", f"choose a proposal: {', '.join(scenario.proposals)}")
    if args.rule is None and len(scenario.rules) > 1:
        raise InputError(None, None, "--rule", f"choose a rule: {', '.join(scenario.rule_labels)}")
    stage = scenario.stage(args.stage) if args.stage is not None else scenario.stages[0]
    choice = scenario.rule(args.rule) if args.rule is not None else scenario.rules[0]
    pid = args.scenario_proposal or scenario.proposals[0]
    if pid not in scenario.proposals:
        raise InputError(None, None, "--proposal", f"not in the scenario: {did_you_mean(pid, scenario.proposals)}")
    story = narrate(
        scenario.evidence,
        scenario.setting(stage, pid),
        seed=scenario.seed,
        rule=scenario.rule_for(stage, choice),
        negotiation=scenario.negotiation,
        constants=scenario.constants,
    )
    return [Text(render(story, scenario.evidence))]


def _experiment(name: str, options: list[str]) -> int:
    """Run one experiment's ``main`` (or every experiment's, in order) with the given options."""
    if name != "all" and name not in EXPERIMENTS:
        raise InputError(None, None, "experiment", f"unknown experiment {name!r}: {did_you_mean(name, EXPERIMENTS)}")
    if name != "all":
        code: int = import_module(f"experiments.{name}").main(options)
        return code
    known = _Parser(prog="scosim experiment all", description="Run every experiment in order.")
    known.add_argument("--out", type=Path, default=Path("results") / "experiments", help="parent output directory")
    known.add_argument("--seed", type=int, default=None)
    known.add_argument("--workers", "-j", type=int, default=1)
    opts = known.parse_args(options)
    for each in EXPERIMENTS:
        module = import_module(f"experiments.{each}")
        argv = ["--out", str(opts.out / each)] + (["--seed", str(opts.seed)] if opts.seed is not None else [])
        if module.PARALLEL:
            argv += ["--workers", str(opts.workers)]
        if module.main(argv):
            return 1
    return 0


def _app(host: str, port: int) -> int:
    """Serve the classroom app with Solara until interrupted; print its address first."""
    try:
        import solara  # noqa: F401
    except ImportError:
        raise InputError(None, None, "app", "needs the optional extra: pip install 'scosim[app]'") from None
    print(f"scosim classroom app: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    command = [sys.executable, "-m", "solara", "run", "sim.app:Page", "--host", host, "--port", str(port)]
    command += ["--no-open", "--production", "--log-level", "warning", "--no-check-version"]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def _is_scenario(target: str) -> bool:
    return target.endswith(".toml") or Path(target).is_file()


def _run(args: argparse.Namespace, out: Console) -> int:
    if args.command == "schema":
        sys.stdout.write(schema_json())
        return 0
    if args.command == "experiment":
        return _experiment(args.name, args.options)
    if args.command == "app":
        return _app(args.host, args.port)
    if args.command == "bench":
        from sim.bench import main as bench

        sizes = ["--max-replications", str(args.max_replications), "--repeat", str(args.repeat)]
        return bench([*sizes, "--batch-run", str(args.batch_run)])
    parts: list[RenderableType]
    if args.command == "run":
        parts = _run_scenario(args)
    elif args.command == "validate":
        sc = _scenario(args)
        parts = [
            f"{args.scenario}: OK: {sc.name!r}: {len(sc.stages)} stages x {len(sc.proposals)} proposals, "
            f"{sc.replications:,} replications, rules {', '.join(sc.rule_labels)}, seed {sc.seed}"
        ]
    elif args.command == "plot":
        saved = read_run(args.directory)
        written = write_charts(saved.results, saved.members, args.directory, **saved.chart_options())
        parts = [f"redrew {len(written)} chart files in {args.directory}/: {', '.join(sorted(written))}"]
    elif args.command == "explain" and _is_scenario(args.proposal):
        args.scenario = Path(args.proposal)
        parts = _explain_scenario(args)
    else:
        parts = _run_evidence_command(args)
    for part in parts:
        out.print(part)
    return 0


def _run_evidence_command(args: argparse.Namespace) -> list[RenderableType]:
    ev = load_evidence(args.seeds)
    if args.command in ("simulate", "explain") and args.seed is None:
        args.seed = 2024
    parts: list[RenderableType]
    if args.command == "summary":
        parts = tables.evidence_summary(ev)
    elif args.command == "check":
        n = sum(1 for _ in ev.iter_estimates())
        parts = [
            f"evidence OK: {len(ev.members)} states, {len(ev.proposals)} proposals, "
            f"{len(ev.events)} events, {n} estimates, all cited or marked not documented"
        ]
    elif args.command == "list":
        if args.what not in _LISTS:
            raise InputError(None, None, "list", f"unknown list {args.what!r}: {did_you_mean(args.what, _LISTS)}")
        parts = _LISTS[args.what](ev)
    elif args.command == "backtest":
        parts = reports.backtest_table(run_backtest(ev, replications=args.replications, seed=args.seed))
    elif args.command == "simulate":
        setting = _setting(ev, args)
        res = run_ensemble(
            ev,
            setting,
            replications=args.replications,
            seed=args.seed,
            rule=make_rule(args.rule or "sco_consensus", setting.members),
            preferences="impartial" if args.impartial else "documents",
            negotiation=not args.no_negotiation,
        )
        parts = reports.ensemble_table(ev, res)
    elif args.command == "explain":
        setting = _setting(ev, args)
        story = narrate(
            ev,
            setting,
            seed=args.seed,
            rule=make_rule(args.rule or "sco_consensus", setting.members),
            negotiation=not args.no_negotiation,
        )
        parts = [Text(render(story, ev))]
    elif args.command == "expansion":
        proposals = [ev.proposal(p.strip()).id for p in args.proposals.split(",") if p.strip()]
        results = []
        for pid in proposals:
            for stage in ev.stages.values():
                setting = Setting(stage.members, pid, stage.year)
                results.append((stage.id, run_ensemble(ev, setting, replications=args.replications, seed=args.seed)))
        parts = reports.expansion_table(ev, results)
    else:
        kind = args.kind.lower()
        if kind == "member":
            parts = tables.member_detail(ev, args.name, args.year)
        elif kind == "proposal":
            parts = tables.proposal_detail(ev, args.name)
        elif kind == "event":
            parts = tables.event_detail(ev, args.name)
        else:
            raise InputError(
                None, None, "show", f"unknown kind {kind!r}: {did_you_mean(kind, ['member', 'proposal', 'event'])}"
            )
    return parts


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scosim`` console script; returns the exit status."""
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as exc:  # usage errors and --help: argparse has printed the message
        return int(exc.code or 0)
    args.seeds = args.seeds or args.seeds_top
    args.width = args.width or args.width_top
    width = args.width if args.width is not None else (None if sys.stdout.isatty() else _PIPE_WIDTH)
    out = Console(width=width, soft_wrap=False)
    try:
        return _run(args, out)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except _Interrupted as exc:
        print(exc, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
