"""Serve the Solara app offline: every asset from the installed packages, nothing fetched from anywhere else.

Solara's front end (Vue 2, Vuetify, fonts, RequireJS) comes from the `solara-assets` package through Solara's
asset route; Solara would fetch a file missing there from a public CDN, so that fetch is replaced by a refusal
(the browser gets a 404 and the server log names the file). Telemetry and the version check are off: the server
contacts no host, and the page asks only the server it came from. The app runs under uvicorn directly, not
`solara run`, which would check PyPI for a newer Solara, wrapped in sim.app.guard.Guard, so that it answers only
requests from its own page. The banner is printed once the server listens: it is the server's readiness line.
"""

from __future__ import annotations

import errno
import importlib.util
import logging
import os
import socket
import threading
import warnings
from typing import Any

from sim.app.guard import Guard, Listening
from sim.app.sources import START_VARIABLE
from sim.app.sources import STARTED_WITH as SCENARIO_VARIABLE
from sim.util.crash import exception_line
from sim.util.errors import ConfigError

PACKAGES = ("solara", "solara_assets", "uvicorn", "starlette", "altair")  # what Solara and Mesa's SolaraViz need
APP_MODULE = "sim.app.pages"
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
    """Refuse a port that is taken, or a host that is not this machine's, before anything is started (one clear
    line naming the option at fault instead of uvicorn's traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is in use", key="--port", hint="choose another --port"
                ) from None
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EINVAL) or isinstance(exc, socket.gaierror):
                raise ConfigError(
                    f"'{host}' is not an address of this machine ({exc.strerror or exc})",
                    key="--host",
                    hint="give one of this machine's addresses, e.g. 127.0.0.1",
                ) from None
            raise ConfigError(f"port {port} on {host} cannot be used ({exc.strerror})", key="--port") from None


def _refuse_cdn(url: str) -> bytes:
    """Replaces Solara's CDN download: an asset missing from solara-assets is an error, never a request."""
    log.error("asset not in the local solara-assets copy, not fetched: %s", url)
    raise FileNotFoundError(url)


def _warm_up_quietly(scenario: str) -> None:
    """Calibrate the scenario's world and load the numerical and plotting stack (sim.app.warm: about 2 s, once per
    process), so that the first page's first update is as quick as the next ones. A server stopped meanwhile ends
    it quietly; a failure is one line in the log (the page reports its own errors)."""
    from sim.app.warm import warm_up as warm

    try:
        warm(scenario)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM stops the server while this thread still works
        return
    except Exception as exc:
        log.warning("warming up failed: %s", exception_line(exc))


def _log_lines() -> None:
    """The app's log lines on stderr, each prefixed with the program's name."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("diplosim app: %(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False


def serve(scenario: str, served: Listening) -> None:
    """Run the dashboard (/) and the Mesa step-through view (/mesa) until interrupted."""
    _log_lines()
    threading.Thread(target=_warm_up_quietly, args=(scenario,), name="diplosim-warm-up", daemon=True).start()
    os.environ.update(SOLARA_ENV)
    os.environ[SCENARIO_VARIABLE] = scenario
    os.environ[START_VARIABLE] = os.getcwd()
    import uvicorn
    from solara.server import cdn_helper
    from solara.server.starlette import app

    cdn_helper.fetch_from_cdn = _refuse_cdn
    # Solara warns on every page load that a local http server cannot set a cross-site cookie: true, and moot here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    config = uvicorn.Config(
        Guard(app, served), host=served.host, port=served.port, log_level="warning", timeout_graceful_shutdown=2
    )
    _ready_server(config, served).run()


def banner(served: Listening) -> str:
    """The line printed once the server listens (tests and scripts wait for it)."""
    where = " (listening on every interface)" if served.wildcard else ""
    return f"diplosim app: {served.url()}{where}  (Mesa step-through view: /mesa; Ctrl-C stops)"


def _ready_server(config: Any, served: Listening) -> Any:
    """uvicorn's server, printing the banner once it listens (uvicorn is imported only when serving)."""
    import uvicorn

    class Ready(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(banner(served), flush=True)

    return Ready(config)
