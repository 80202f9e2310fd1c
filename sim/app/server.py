"""Serve the Solara app offline: every asset from the installed packages, nothing fetched from anywhere else.

Solara's front end (Vue 2, Vuetify, fonts, RequireJS) comes from the `solara-assets` package through Solara's
asset route; Solara would fetch a file missing there from a public CDN, so that fetch is replaced by a refusal
(the browser gets a 404 and the server log names the file). Telemetry and the version check are off: the server
contacts no host, and the page asks only the server it came from. The app runs under uvicorn directly, not
`solara run`, which would check PyPI for a newer Solara.
"""

from __future__ import annotations

import errno
import importlib.util
import logging
import os
import socket
import threading
import warnings

from sim.util.errors import ConfigError

EXTRA = "app"
PACKAGES = ("solara", "solara_assets", "uvicorn", "starlette", "altair")  # what Solara and Mesa's SolaraViz need
APP_MODULE = "sim.app.pages"
SCENARIO_VARIABLE = "DIPLOSIM_APP_SCENARIO"
SOLARA_ENV = {
    "SOLARA_APP": APP_MODULE,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_ASSETS_PROXY": "true",  # serve assets from the local copy under /_solara/cdn/
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_TITLE": "diplosim",
    "SOLARA_CHECK_HOOKS": "off",
}

log = logging.getLogger("diplosim.app")


def missing_packages() -> list[str]:
    """Packages of the `app` extra that are not installed (checked without importing them)."""
    return [name.replace("_", "-") for name in PACKAGES if importlib.util.find_spec(name) is None]


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken, before anything is started (one clear line instead of uvicorn's traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise ConfigError(f"port {port} on {host} {reason}", key="--port", hint="choose another --port") from None


def _refuse_cdn(url: str) -> bytes:
    """Replaces Solara's CDN download: an asset missing from solara-assets is an error, never a request."""
    log.error("asset not in the local solara-assets copy, not fetched: %s", url)
    raise FileNotFoundError(url)


def warm_up(scenario: str) -> None:
    """Calibrate the scenario's world and load the numerical and plotting stack (about 2 s, once per process),
    so that the first page's first update is as quick as the next ones."""
    from sim.app import compute, figures
    from sim.scenario.load import load_scenario

    spec = load_scenario(scenario)
    outcome = compute.simulate(spec.model_copy(update={"replications": 2, "steps": 2}))
    actors = spec.actors
    figures.png(figures.trust_figure(outcome, [(actors[0], actors[1])], {}))


def serve(scenario: str, host: str, port: int) -> None:
    """Run the dashboard (/) and the Mesa step-through view (/mesa) until interrupted."""
    threading.Thread(target=warm_up, args=(scenario,), name="diplosim-warm-up", daemon=True).start()
    os.environ.update(SOLARA_ENV)
    os.environ[SCENARIO_VARIABLE] = scenario
    import uvicorn
    from solara.server import cdn_helper

    cdn_helper.fetch_from_cdn = _refuse_cdn
    # Solara warns on every page load that a local http server cannot set a cross-site cookie: true, and moot here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    config = uvicorn.Config(
        "solara.server.starlette:app", host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"diplosim app: http://{shown}:{port}/  (Mesa step-through view: /mesa; Ctrl-C stops)", flush=True)
    uvicorn.Server(config).run()
