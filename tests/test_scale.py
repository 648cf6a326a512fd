"""Scale and robustness: distributed execution, resumable runs, hostile input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import InputError
from sim.evidence import Evidence
from sim.scenario import build_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "expansion_economic.toml"
CSVS = ("results.csv", "members.csv")


def _same_csvs(a: Path, b: Path) -> None:
    for csv in CSVS:
        assert (a / csv).read_bytes() == (b / csv).read_bytes(), csv


# -- distributed --------------------------------------------------------------------


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed")
    args = ["run", str(DEFAULT), "-R", "9000", "--no-charts"]
    assert main([*args, "--out", str(tmp_path / "serial")]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main([*args, "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]) == 0
    _same_csvs(tmp_path / "serial", tmp_path / "dask")


def test_unreachable_scheduler_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    code = main(["run", str(DEFAULT), "-R", "10", "--out", str(tmp_path / "x"), "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "error: --scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"
    )


# -- resumable runs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the same run, uninterrupted, on two worker processes."""
    whole = tmp_path_factory.mktemp("whole") / "out"
    assert main(["run", str(DEFAULT), "-R", "100000", "--no-charts", "--out", str(whole), "--workers", "2"]) == 0
    return whole


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_resumes_to_the_same_bytes(tmp_path: Path, sig: signal.Signals, uninterrupted: Path) -> None:
    out = tmp_path / "cut"
    command = [sys.executable, "-m", "sim.cli", "run", str(DEFAULT), "-R", "100000", "--no-charts", "--out", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    chunks = out / ".chunks"
    deadline = time.monotonic() + 120
    while len(list(chunks.glob("*.npz"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert "interrupted:" in stderr and "--resume" in stderr and "Traceback" not in stderr
    kept = len(list(chunks.glob("*.npz")))
    assert 2 <= kept < 24
    assert not (out / "results.csv").exists()
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert not chunks.exists()
    _same_csvs(out, uninterrupted)


def test_resume_refuses_the_chunks_of_another_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sim.checkpoint import Checkpoint

    out = tmp_path / "out"
    Checkpoint(out / ".chunks", {"something": "else"}, resume=False)
    assert main(["run", str(DEFAULT), "-R", "100", "--no-charts", "--out", str(out), "--resume"]) == 2
    assert "holds the finished batches of a different run" in capsys.readouterr().err


def test_checkpoint_round_trips_tallies(evidence: Evidence, tmp_path: Path) -> None:
    from sim.checkpoint import Checkpoint
    from sim.draws import Setting
    from sim.ensemble import model_options, plan_batches, run_batch
    from sim.rules import ScoConsensus

    setting = Setting(evidence.stages["SCO-8"].members, "development_bank", 2017)
    batch = plan_batches(5000, 3, chunk_size=1000, chunks_per_batch=5)[0]
    tallies = run_batch(evidence, setting, batch, model_options(ScoConsensus(), "documents", True, None, 3))
    cp = Checkpoint(tmp_path / "c", {"k": 1}, resume=False)
    cp.save(2, 7, tallies)
    again = Checkpoint(tmp_path / "c", {"k": 1}, resume=True).load(2, 7)
    assert again is not None and len(again) == 5
    for a, b in zip(tallies, again, strict=True):
        assert a.replications == b.replications and a.depth_sum == b.depth_sum and a.side_sum == b.side_sum
        assert (a.outcomes == b.outcomes).all() and (a.pivotal == b.pivotal).all() and (a.outvoted == b.outvoted).all()
    assert Checkpoint(tmp_path / "c", {"k": 1}, resume=False).load(2, 7) is None  # a fresh start forgets


# -- hostile input -----------------------------------------------------------------------

VALID = {
    "name": "x",
    "seed": 1,
    "replications": 10,
    "proposals": ["fta", "energy_club"],
    "rule": "sco_consensus",
    "stages": [{"preset": "SCO-6"}, {"label": "more", "year": 2020, "members": ["China", "Russia", "India"]}],
    "members": [{"name": "Atlantis", "capability": 0.2, "positions": {"trade": 0.5}}],
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)
keys = st.sampled_from([*VALID, "rule", "preferences", "negotiation", "constants", "custom_proposals", "bogus"])


def _mutate(data: object, path: list[object], value: object) -> object:
    """Replace (or add) the item at ``path`` inside a copy of ``data``."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        key = head if isinstance(head, str) else (sorted(data)[head % len(data)] if data else "k")
        return {**data, key: _mutate(data.get(key), rest, value)}
    if isinstance(data, list) and data:
        i = head % len(data) if isinstance(head, int) else 0
        return [*data[:i], _mutate(data[i], rest, value), *data[i + 1 :]]
    return value


def _clean(call: object) -> None:
    """The loader either accepts the document or raises InputError with a one-line message."""
    try:
        call()  # type: ignore[operator]
    except InputError as exc:
        message = str(exc)
    else:
        return
    assert message and "\n" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.lists(st.one_of(keys, st.integers(0, 5)), min_size=1, max_size=4), value=values)
def test_mutated_documents_fail_cleanly(evidence: Evidence, path: list[object], value: object) -> None:
    _clean(lambda: build_scenario(_mutate(VALID, path, value), evidence=evidence))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(keys, values, max_size=8))
def test_arbitrary_documents_fail_cleanly(evidence: Evidence, document: dict[str, object]) -> None:
    _clean(lambda: build_scenario(document, evidence=evidence))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_fails_cleanly(evidence: Evidence, text: str) -> None:
    _clean(lambda: parse_scenario(text, evidence=evidence))


def test_huge_ensembles_are_refused_or_chunked(evidence: Evidence) -> None:
    with pytest.raises(InputError, match=r"replications: must be less than or equal to 1000000000"):
        build_scenario({**VALID, "replications": 10**12}, evidence=evidence)
    from sim.ensemble import BATCH_CHUNKS, CHUNK_SIZE, plan_batches

    batches = plan_batches(10**9, 1)
    assert max(b.replications for b in batches) == BATCH_CHUNKS * CHUNK_SIZE  # memory bounded per batch


@pytest.mark.slow
def test_hostile_file_through_the_cli_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'name = "x"\nseed = 1e400\nproposals = ["fta"]\n[[stages]]\npreset = "SCO-6"\n\xff')
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error: ")
    assert not (tmp_path / "o").exists()


def test_parallel_stop_cancels_what_has_not_started_and_resume_completes(evidence: Evidence, tmp_path: Path) -> None:
    import pandas as pd

    from sim.checkpoint import Checkpoint, RunInterrupted
    from sim.runner import run
    from sim.scenario import load_scenario

    scenario = load_scenario(DEFAULT, evidence).with_overrides(replications=9000)
    record = {"scenario": scenario.to_dict(), "chunks_per_batch": 1}
    done = [0]

    def count(_: int) -> None:
        done[0] += 1

    checkpoint = Checkpoint(tmp_path / ".chunks", record, resume=False)
    with pytest.raises(RunInterrupted) as stopped:
        run(scenario, workers=2, chunks_per_batch=1, checkpoint=checkpoint, stop=lambda: done[0] >= 3, progress=count)
    assert 3 <= stopped.value.done < stopped.value.total == 36
    assert len(list((tmp_path / ".chunks").glob("*.npz"))) == stopped.value.done
    resumed = run(scenario, chunks_per_batch=1, checkpoint=Checkpoint(tmp_path / ".chunks", record, resume=True))
    pd.testing.assert_frame_equal(resumed.results, run(scenario).results, check_exact=True)
