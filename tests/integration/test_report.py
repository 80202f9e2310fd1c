"""`diplosim report`: one self-contained HTML page, checked in headless Chromium (Debian's `chromium` package)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.scenario.essay import SENTENCES

SMALL = ["--replications", "20", "--steps", "24", "--no-plots", "-q"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A run and a comparison without figures (the report draws its own)."""
    root = tmp_path_factory.mktemp("report")
    assert main(["run", "dialogue", *SMALL, "--out", str(root / "run")]) == 0
    assert main(["compare", "baseline", "us_pressure", *SMALL, "--out", str(root / "cmp")]) == 0
    return root


def test_report_holds_description_essay_table_figures_and_manifest(folders):
    assert main(["report", str(folders / "run")]) == 0
    page = (folders / "run" / "report.html").read_text()
    assert "Sustained dialogue from both sides" in page  # the scenario's description
    assert SENTENCES["P8.S3"].replace("'", "&#x27;") in page  # an essay sentence it rests on
    assert "PAK → USA" in page and "median [90% band]" in page  # the final-trust table
    assert len(re.findall(r"<img [^>]*src='data:image/png;base64,", page)) == 4  # every run figure, embedded
    assert page.count("<figcaption>") == 4 and "diplosim run dialogue" in page  # captions; the manifest's command
    assert not re.search(r"(src|href)=['\"]?(https?:|//)", page)  # nothing to fetch
    before = (folders / "run" / "report.html").stat().st_mtime_ns
    assert main(["report", str(folders / "run")]) == 2  # an existing report is kept without --force
    assert (folders / "run" / "report.html").stat().st_mtime_ns == before


def test_report_renders_in_headless_chromium_without_requests(folders, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    browser_path = shutil.which("chromium")
    if browser_path is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install -y chromium)")
    out = tmp_path / "compare.html"
    assert main(["report", str(folders / "cmp"), "--out", str(out)]) == 0
    requests: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 800})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(out.as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
            text = page.inner_text("body")
            shot = page.screenshot(full_page=True)
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert len(images) == 3 and all(done and width > 400 for done, width in images)
    for heading in ("What was run", "Results", "Figures", "How it was made"):
        assert heading in text
    assert "difference from baseline [95% CI]" in text and "us_pressure" in text
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(shot)).convert("L")
    assert image.height > 2000  # tables and three figures, not an empty page
    assert ImageStat.Stat(image).stddev[0] > 20  # not blank: text and figures on white


def test_report_of_a_folder_that_is_no_result_is_one_line(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    assert main(["report", str(tmp_path / "notes")]) == 2
    assert "not a result folder" in capsys.readouterr().err
    assert list((tmp_path / "notes").iterdir()) == []
    assert main(["report", str(Path(tmp_path / "missing"))]) == 2


def test_a_comparison_report_opens_with_results_by_dyad_then_the_essay(folders):
    assert main(["report", str(folders / "cmp"), "--out", str(folders / "cmp.html")]) == 0
    page = (folders / "cmp.html").read_text()
    results, essay = page.index("<h2>Results</h2>"), page.index("the essay it rests on</h2>")
    assert results < page.index("<blockquote>") and results < essay  # results first, the essay's quotes after
    table = page[results : page.index("</table>", results)]
    rows = re.findall(r"<tr>(.*?)</tr>", table)[1:]
    dyads = [re.findall(r"<td class='num'>(.*?)</td>", row)[0] for row in rows]
    assert dyads[:4] == ["PAK → USA", "", "PAK → CHN", ""]  # each dyad once, its scenarios under it
    assert "mean over 2026-01 to 2026-12" in page and "Yardstick" in page and "Monte Carlo precision" in page
