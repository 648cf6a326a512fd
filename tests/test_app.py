"""The classroom app in a real browser: controls, stepping, stances and outcome as the model gives them.

Starts ``scosim app`` on a free local port and drives it with Playwright in
headless Chromium (``/usr/bin/chromium``; ``.ci/run`` installs it).  A
screenshot is saved to ``tests/artifacts/app.png``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.evidence import Evidence

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)")
    pytest.importorskip("playwright")
    pytest.importorskip("solara")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith(f"scosim classroom app: http://127.0.0.1:{port}/"), first
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _expect_stances(page: object, stances: dict[str, str]) -> None:
    """Wait (up to 10 s each) until every card shows the model's stance; the cards re-render one by one."""
    from playwright.sync_api import expect

    for member, stance in stances.items():
        card = page.locator(f".stance-{member}").first  # type: ignore[attr-defined]
        expect(card, f"{member}'s card").to_have_text(stance.replace("_", " "), timeout=10_000)


def test_app_steps_a_summit_as_the_model_does(app_url: str, evidence: Evidence) -> None:
    from playwright.sync_api import expect, sync_playwright

    from sim.app import ClassroomModel

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else outside.append(r.url),
        )
        page.goto(app_url, timeout=90_000)
        expect(page.locator(".pass-rate")).to_contain_text("Pass rate", timeout=90_000)

        # change the proposal to the Convention on Countering Extremism (a four-round summit at this seed)
        before = page.locator(".pass-rate").inner_text()
        started = time.monotonic()
        page.get_by_label("Proposal").click(force=True)
        page.get_by_role("option", name="SCO Convention on Countering Extremism").click()
        expect(page.locator(".pass-rate")).not_to_have_text(before, timeout=10_000)
        redraw = time.monotonic() - started

        # add Turkey to SCO-10
        before = page.locator(".pass-rate").inner_text()
        page.get_by_role("checkbox", name="Turkey").click(force=True)
        expect(page.locator(".pass-rate")).not_to_have_text(before, timeout=10_000)
        members = (*evidence.stages["SCO-10"].members, "turkey")
        expect(page.locator(".stance-turkey")).to_have_count(1, timeout=10_000)

        # step round by round to the end; after every round the cards show the model's stances
        expected = ClassroomModel(members=members, proposal="extremism_convention", seed=2024, evidence=evidence)
        rounds = 0
        while expected.running:
            expected.step()
            rounds += 1
            page.get_by_role("button", name="Step").click()
            expect(page.locator(".round")).to_contain_text(f"Round {rounds} of", timeout=10_000)
            _expect_stances(page, expected.stances())
        assert rounds >= 2
        expect(page.locator(".outcome")).to_have_text(f"Outcome: {expected.outcome_text()}", timeout=10_000)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=False)

        # a second tab has its own model: still at round 0 on the defaults
        other = browser.new_page()
        other.goto(app_url, timeout=90_000)
        expect(other.locator(".outcome")).to_have_text("Outcome: open", timeout=90_000)
        assert other.locator(".stance-turkey").count() == 0
        expect(page.locator(".outcome")).to_have_text(f"Outcome: {expected.outcome_text()}")
        browser.close()
    assert not outside, f"the app fetched from outside: {outside[:3]}"
    print(f"control change redrawn in {redraw:.2f} s")
    assert redraw < 10, f"a control change took {redraw:.1f} s to redraw"
    assert (ARTIFACTS / "app.png").stat().st_size > 10_000
