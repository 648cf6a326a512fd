"""The scosim command line on the evidence base."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.evidence import Evidence


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--width", "200", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_members_shows_every_state(capsys: pytest.CaptureFixture[str], evidence: Evidence) -> None:
    code, out, _ = run(capsys, "list", "members")
    assert code == 0
    for m in evidence.members.values():
        assert m.name in out


def test_list_events_shows_at_least_fifteen(capsys: pytest.CaptureFixture[str], evidence: Evidence) -> None:
    code, out, _ = run(capsys, "list", "events")
    assert code == 0
    rows = [e for e in evidence.events if e in out]
    assert len(rows) == len(evidence.events) >= 15


@pytest.mark.parametrize("what", ["proposals", "stages", "sources"])
def test_other_lists(capsys: pytest.CaptureFixture[str], what: str) -> None:
    code, out, _ = run(capsys, "list", what)
    assert code == 0 and out.strip()


def test_show_member_has_ranges_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "member", "Russia", "--year", "2023")
    assert code == 0
    assert "[+0.60, +0.95]" in out  # capability range
    assert "olczak2025 § Economic Cooperation" in out
    assert "Changes over time" in out and "2022" in out


def test_show_member_marks_undocumented(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "member", "qatar")
    assert code == 0 and "not documented" in out


def test_show_proposal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "proposal", "fta")
    assert code == 0
    assert "gains.kyrgyzstan" in out and "2016_fta" in out and "anniv2022 §" in out


def test_show_event(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "event", "2008_georgia_support")
    assert code == 0 and "china" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "member", "Indai"], "unknown state 'Indai': did you mean 'India'"),
        (["show", "proposal", "ftaa"], "unknown proposal 'ftaa': did you mean 'fta'"),
        (["show", "event", "2016-fta"], "unknown event '2016-fta': did you mean '2016_fta'"),
        (["list", "member"], "unknown list 'member': did you mean 'members'"),
        (["show", "memb", "india"], "unknown kind 'memb': did you mean 'member'"),
    ],
)
def test_unknown_names_get_closest_matches(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and not out


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary")
    assert code == 0 and "SCO-10" in out and "not documented" in out


def test_broken_evidence_exits_2_without_traceback(tmp_path: Path, seeds_dir: Path) -> None:
    import shutil

    broken = tmp_path / "seeds"
    shutil.copytree(seeds_dir, broken)
    path = broken / "stages.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"SCO-9"', '"SCO-9', 1), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--seeds", str(broken), "check"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: stages.toml: not valid TOML")
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0 and out.startswith("evidence OK")


def test_bench_command_prints_the_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--max-replications", "2000", "--repeat", "1", "--batch-run", "5"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"throughput: \d+ decisions/s  floor_ratio: \d+\.\d{3}  ratio_vs_batch_run: \d+  peak_mib: \d+", last
    ), last
