"""Take the screenshots of `diplosim app` for docs/dashboard.md with headless Debian chromium (Playwright).

    .venv/bin/python docs/screenshots.py        # writes docs/app-dashboard.png and docs/app-mesa.png

Starts the app on a free local port with the dialogue scenario, waits for the page to show its first run,
switches the US's dialogue policy off and runs again (so the charts show an edited scenario), and saves
palette PNGs (256 colours) to keep the repository small.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120_000


def save(png: bytes, path: Path, width: int) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)
    print(path, path.stat().st_size // 1024, "KB")


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "dialogue", "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"))
            page = browser.new_page(viewport={"width": 1440, "height": 1500})
            page.goto(url)
            expect(page.get_by_text("Run 1 done")).to_be_visible(timeout=WAIT)
            page.get_by_text("usa_dialogue: USA engagement").click()
            page.get_by_role("button", name="Run", exact=True).click()
            expect(page.get_by_text("Run 2 done")).to_be_visible(timeout=WAIT)
            page.get_by_text("Policies", exact=True).evaluate("e => e.scrollIntoView({block: 'start'})")
            save(page.screenshot(), ROOT / "docs" / "app-dashboard.png", 1200)
            page.goto(url + "mesa")
            step = page.get_by_role("button", name="Step", exact=True)
            expect(step).to_be_visible(timeout=WAIT)
            for month in range(1, 13):
                step.click()
                expect(page.get_by_text(f"Time: {month}.0")).to_be_visible(timeout=WAIT)
            page.set_viewport_size({"width": 1440, "height": 1080})
            save(page.screenshot(), ROOT / "docs" / "app-mesa.png", 1000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
