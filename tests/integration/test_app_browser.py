"""`diplosim app` in a real browser: headless Debian chromium driven by Playwright, against the served app.

One server (started as a user would, `python -m sim app dialogue --port N`) serves every test; each test opens
its own page (its own Solara session). Every wait is on something the page shows, never a fixed sleep.
Without chromium these tests skip locally with how to install it, and fail in CI (CI=true), which installs it.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import main as cli
from sim.outputs.read import read_manifest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
START_TIMEOUT = 120.0  # seconds for the server to answer on a busy 2-core machine
UPDATE_TIMEOUT = 120_000  # milliseconds for a page state to appear

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs it: apt-get install -y chromium)", pytrace=False)
    pytest.skip("needs chromium: apt-get update && apt-get install -y chromium", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402  (after the skip)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app")


@pytest.fixture(scope="module")
def served(workdir: Path, serve_app) -> Iterator:
    """The app serving the dialogue scenario on a free local port, started from a scratch folder (its output in
    workdir/server.log), once it has printed that it listens."""
    with serve_app(workdir, "dialogue", "--host", "127.0.0.1") as server:
        yield server


@pytest.fixture(scope="module")
def app_url(served) -> str:
    return served.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


class Traffic:
    """Every request a page makes, and those that failed."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(f"{request.url}: {request.failure}"))

    def foreign(self, origin: str) -> list[str]:
        """Requests to anything but the app's own origin (blob: and data: URLs are made in the page)."""
        return [u for u in self.urls if not u.startswith((origin, "blob:", "data:"))]


def open_dashboard(browser: Browser, url: str) -> tuple[Page, Traffic]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    traffic = Traffic(page)
    page.goto(url)
    expect(page.get_by_text("Run 1 done")).to_be_visible(timeout=UPDATE_TIMEOUT)
    return page, traffic


def test_dashboard_renders_offline_and_a_policy_change_changes_the_chart(browser: Browser, app_url: str) -> None:
    page, traffic = open_dashboard(browser, app_url)
    expect(page.get_by_text("Scenario: dialogue")).to_be_visible()
    expect(page.get_by_role("list").get_by_text("P8.S3")).to_be_visible()  # the essay sentences it rests on
    for css in ("diplosim-trust-chart", "diplosim-alignment-chart", "diplosim-network-chart"):
        expect(page.locator(f".{css} img")).to_be_visible(timeout=UPDATE_TIMEOUT)
    chart = page.locator(".diplosim-trust-chart img")
    before, table = chart.screenshot(), page.locator("table").inner_text()

    page.get_by_text("pak_dialogue: PAK engagement").click()  # switch the first policy off
    expect(page.get_by_role("switch").first).not_to_be_checked()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("Run 2 done")).to_be_visible(timeout=UPDATE_TIMEOUT)
    assert chart.screenshot() != before
    assert page.locator("table").inner_text() != table

    network = page.locator(".v-card", has_text="Trust network")
    network.get_by_role("slider").focus()
    page.keyboard.press("Home")  # the month slider to month 0: the network is redrawn there
    expect(network.get_by_role("button", name="Download dialogue_network_month0.png")).to_be_visible(
        timeout=UPDATE_TIMEOUT
    )

    with page.expect_download() as download:
        page.get_by_role("button", name="Download dialogue_trust.png").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")

    # another bundled scenario loads and runs at once
    page.locator(".v-select", has=page.get_by_label("Scenario", exact=True)).locator(".v-select__selections").click()
    page.get_by_role("option", name="us_pressure").click()
    expect(page.get_by_text("Scenario: us_pressure")).to_be_visible(timeout=UPDATE_TIMEOUT)
    expect(page.get_by_text("Run 3 done: us_pressure against status_quo")).to_be_visible(timeout=UPDATE_TIMEOUT)

    assert traffic.failed == []
    assert traffic.foreign(app_url.rstrip("/")) == []
    assert any("/_solara/cdn/" in u for u in traffic.urls)  # the front end did load, from the app itself
    page.close()


def test_bad_file_errors_as_the_cli_and_export_writes_a_result_folder(
    browser: Browser, app_url: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad.toml"
    bad.write_text('name = "bad"\n[parameters]\nalpha = 7.0\n')
    assert cli.main(["validate", str(bad)]) == 2
    line = capsys.readouterr().err.strip()
    page, _ = open_dashboard(browser, app_url)
    page.get_by_label("…or a scenario file (path)").fill(str(bad))
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator(".diplosim-load-error")).to_contain_text(line, timeout=UPDATE_TIMEOUT)
    expect(page.get_by_text("Scenario: dialogue")).to_be_visible()  # what is shown stays as it was

    expect(page.locator(".diplosim-network-chart img")).to_be_visible(timeout=UPDATE_TIMEOUT)  # exported too
    page.get_by_role("button", name="Export result folder").click()
    exported = page.locator(".diplosim-exported")
    expect(exported).to_contain_text("Wrote ", timeout=UPDATE_TIMEOUT)
    folder = Path(exported.inner_text().strip().removeprefix("Wrote ").rstrip("/"))
    page.close()
    assert folder.parent == workdir.resolve() / "results" / "status_quo_vs_dialogue"  # the server names it

    meta = read_manifest(folder)
    assert meta["scenarios"] == ["status_quo", "dialogue"] and meta["replications"] == 200
    assert all((folder / f).is_file() for f in meta["files"])
    assert {"plots/app_trust.png", "plots/app_network.png", "plots/compare_difference.png"} <= set(meta["files"])
    runs = {name: sim.Results.load(folder / name / "trajectories.nc") for name in meta["scenarios"]}
    rerun = sim.run(folder / "dialogue" / "scenario.toml")  # the exported scenario reproduces its trajectories
    np.testing.assert_array_equal(rerun.trust.values, runs["dialogue"].trust.values)


def test_mesa_view_steps_and_resets(browser: Browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    traffic = Traffic(page)
    page.goto(app_url + "mesa")
    expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=UPDATE_TIMEOUT)
    step = page.get_by_role("button", name="Step", exact=True)
    step.click()
    expect(page.get_by_text("Time: 1.0")).to_be_visible(timeout=UPDATE_TIMEOUT)
    step.click()
    expect(page.get_by_text("Time: 2.0")).to_be_visible(timeout=UPDATE_TIMEOUT)
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=UPDATE_TIMEOUT)
    step.click()  # the model Reset built steps on
    expect(page.get_by_text("Time: 1.0")).to_be_visible(timeout=UPDATE_TIMEOUT)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert traffic.failed == [] and traffic.foreign(app_url.rstrip("/")) == []
    page.close()


def test_an_asset_missing_locally_is_refused_not_fetched(served) -> None:
    """Solara would fetch a front-end file it lacks from a CDN; the app answers 404 and logs it instead."""
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(served.url + "_solara/cdn/not-bundled@1.0.0/index.js", timeout=60)
    assert answer.value.code == 404
    assert served.wait_for(
        "asset not in the local solara-assets copy, not fetched: https://cdn.jsdelivr.net/npm/not-bundled"
    )
