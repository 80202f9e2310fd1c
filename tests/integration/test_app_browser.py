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
import zipfile
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


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the select labelled `label`."""
    page.locator(".v-select", has=page.get_by_label(label, exact=True)).locator(".v-select__selections").click()
    page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()
    expect(page.locator(".menuable__content__active")).to_have_count(0)  # closed: keys go where they are sent


def run(page: Page, number: int, done: str = "") -> None:
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text(f"Run {number} done: {done}")).to_be_visible(timeout=UPDATE_TIMEOUT)


def test_renders_offline_marks_stale_results_and_a_policy_change_changes_the_chart(
    browser: Browser, app_url: str
) -> None:
    page, traffic = open_dashboard(browser, app_url)
    expect(page.locator(".diplosim-comparison .v-card__title")).to_have_text("Comparison: dialogue")
    expect(page.get_by_text("Run 1 done: dialogue against status_quo")).to_be_visible()
    expect(page.get_by_role("list").get_by_text("P8.S3")).to_be_visible()  # the essay sentences it rests on
    expect(page.locator(".diplosim-yardstick")).to_contain_text("sampling error")
    for css in ("diplosim-trust-chart", "diplosim-alignment-chart", "diplosim-network-chart"):
        expect(page.locator(f".{css} img")).to_be_visible(timeout=UPDATE_TIMEOUT)
    chart = page.locator(".diplosim-trust-chart img")
    before, table = chart.screenshot(), page.locator("table").inner_text()
    expect(page.locator(".diplosim-stale")).to_have_count(0)

    page.get_by_text("pak_dialogue: PAK engagement").click()  # switch the first policy off
    expect(page.get_by_role("switch").first).not_to_be_checked()
    expect(page.locator(".diplosim-stale")).to_contain_text("Out of date — press Run")  # the old results stay
    expect(chart).to_be_visible()
    assert page.locator("table").inner_text() == table
    run(page, 2, "dialogue_variant (changed on the page) against status_quo")
    expect(page.locator(".diplosim-stale")).to_have_count(0)
    assert chart.screenshot() != before
    assert page.locator("table").inner_text() != table

    network = page.locator(".v-card", has_text="Trust network")
    network.get_by_role("slider").press("Home")  # the month slider to month 0: the network is redrawn there
    expect(network.get_by_role("button", name="Download dialogue_variant_network_month0.png")).to_be_visible(
        timeout=UPDATE_TIMEOUT
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download dialogue_variant_trust.png").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")

    choose(page, "Comparison", "us_pressure")  # another bundled scenario: marked until it runs
    expect(page.locator(".diplosim-comparison .v-card__title")).to_have_text(
        "Comparison: us_pressure", timeout=UPDATE_TIMEOUT
    )
    expect(page.locator(".diplosim-stale")).to_be_visible()
    run(page, 3, "us_pressure against status_quo")

    assert traffic.failed == []
    assert traffic.foreign(app_url.rstrip("/")) == []
    assert any("/_solara/cdn/" in u for u in traffic.urls)  # the front end did load, from the app itself
    page.close()


def test_a_variant_shows_the_effect_of_a_parameter_and_of_an_added_policy(browser: Browser, app_url: str) -> None:
    """alpha 0.15 -> 0.45 on a variant of dialogue: the difference is no longer +0.000 (the first dashboard changed
    both sides); a policy from the catalogue is added, run, and removed."""
    page, _ = open_dashboard(browser, app_url)
    choose(page, "Comparison", "variant (the reference, changed below)")
    expect(page.locator(".diplosim-reference .v-card__title")).to_have_text(
        "Reference: dialogue", timeout=UPDATE_TIMEOUT
    )
    parameters = page.locator(".v-card", has_text="Model parameters")
    alpha = parameters.get_by_role("slider").first
    for value in range(18, 46, 3):  # Shift+Right moves alpha by 0.03; each step waits for the page to follow
        alpha.press("Shift+ArrowRight")
        expect(parameters.get_by_text(f"alpha = {value / 100:g} (was 0.15)")).to_be_visible(timeout=UPDATE_TIMEOUT)
    run(page, 2, "dialogue_variant (changed on the page) against dialogue")
    pak_usa = page.locator("tr", has_text="PAK → USA").locator("td").last
    assert not pak_usa.inner_text().startswith("+0.000"), pak_usa.inner_text()

    page.get_by_text("Add a policy").click()
    choose(page, "Move or bundle", "reduce_aid")
    expect(page.get_by_text("Cutting aid. Goldstein -5.6 (hostile)")).to_be_visible()
    page.get_by_role("button", name="Add policy").click()
    added = page.locator(".diplosim-policy", has_text="usa_reduce_aid_pak: USA reduce aid → PAK, from 2025-01")
    expect(added).to_be_visible(timeout=UPDATE_TIMEOUT)
    expect(page.locator(".diplosim-policy")).to_have_count(5)
    run(page, 3)
    added.locator(".diplosim-remove-policy").click()
    expect(page.locator(".diplosim-policy")).to_have_count(4)
    expect(page.locator(".diplosim-stale")).to_be_visible()
    page.close()


def test_the_download_is_the_folder_diplosim_compare_writes_and_a_bad_file_errs_as_the_cli(
    browser: Browser, app_url: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, _ = open_dashboard(browser, app_url)
    bad = workdir / "bad.toml"
    bad.write_text('name = "bad"\n[parameters]\nalpha = 7.0\n')
    assert cli.main(["validate", str(bad)]) == 2
    line = capsys.readouterr().err.strip()
    page.get_by_label("…or a scenario file (path)").fill(str(bad))
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator(".diplosim-load-error")).to_contain_text(line, timeout=UPDATE_TIMEOUT)
    expect(page.locator(".diplosim-comparison .v-card__title")).to_have_text(
        "Comparison: dialogue"
    )  # what is compared stays as it was

    choose(page, "Reference", "dialogue")
    choose(page, "Comparison", "us_pressure")
    page.get_by_label("Months (1 to 100,000)").fill("36")
    page.get_by_label("Replications (1 to 10,000,000)").fill("40")
    page.get_by_label("Seed").fill("11")
    # Run reads the settings the page has: wait until the typed ones have arrived there, as a reader would see
    expect(page.locator(".diplosim-run-settings")).to_have_text("Run: 40 replications × 36 months, seed 11")
    run(page, 2, "us_pressure against dialogue, 40 replications × 36 months, seed 11")
    with page.expect_download(timeout=UPDATE_TIMEOUT) as download:
        page.get_by_role("button", name="Download dialogue_vs_us_pressure.zip").click()
    assert download.value.suggested_filename == "dialogue_vs_us_pressure.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        archive.extractall(workdir / "downloaded")
    page.close()

    folder = workdir / "downloaded" / "dialogue_vs_us_pressure"
    cli_out = workdir / "by_the_cli"
    flags = ["--steps", "36", "--replications", "40", "--seed", "11", "--quiet"]
    assert cli.main(["compare", "dialogue", "us_pressure", *flags, "--out", str(cli_out)]) == 0
    assert sorted(read_manifest(folder)["files"]) == sorted(read_manifest(cli_out)["files"])
    for name in ("comparison.csv", "comparison_steps.csv", "dialogue/scenario.toml", "us_pressure/scenario.toml"):
        assert (folder / name).read_bytes() == (cli_out / name).read_bytes(), name
    runs = {name: sim.Results.load(folder / name / "trajectories.nc") for name in ("dialogue", "us_pressure")}
    np.testing.assert_array_equal(
        runs["us_pressure"].trust.values, sim.Results.load(cli_out / "us_pressure" / "trajectories.nc").trust.values
    )
    assert not any(workdir.glob("results"))  # nothing was written on the server's side


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
