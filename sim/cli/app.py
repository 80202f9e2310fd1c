"""`diplosim app [SCENARIO]`: serve the dashboard and Mesa's step-through view in the browser.

Registered by sim.cli.main through `add_parsers`. Only the standard library is imported until the command runs, so
`diplosim --help` stays fast and works without the optional `app` extra.
"""

from __future__ import annotations

import argparse
import contextlib

from sim.cli.args import checked, error, help_text
from sim.util.arguments import whole_between
from sim.util.errors import ConfigError

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
INSTALL_HINT = "pip install -e '.[app]' in the repository, or pip install 'diplosim[app]'"


_port = checked(whole_between(1, 65535))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register the `app` subcommand."""
    p = sub.add_parser(
        "app",
        **help_text(f"""
            Serve the interactive dashboard in the browser (needs the optional 'app' extra).

            The dashboard (/) runs a scenario against its status quo on common random numbers: switch policies
            on or off, set their probability and intensity and the model's parameters, and see trust fan charts
            with the difference and its confidence interval, Pakistan's alignment and the trust network; export
            what is shown as a result folder under results/. /mesa is Mesa's SolaraViz on one replication (Play,
            Step, Reset). Everything is served locally: the page loads nothing from any other host. The server
            answers only its own page (requests naming another host or coming from another site's page are
            refused) and listens on this machine only, unless --host names another address and --allow-remote
            says that anyone who can reach it may drive it (it has no log-in). Ctrl-C stops the server.
            Install the extra with: {INSTALL_HINT}.

            examples:
              diplosim app                          # the baseline, at http://127.0.0.1:{DEFAULT_PORT}/
              diplosim app dialogue --port 8800
              diplosim app my_scenarios/talks.toml
        """),
    )
    p.add_argument("scenario", nargs="?", default="baseline", help="name (see `diplosim list`) or path to a .toml")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (0.0.0.0, ::, a network address): anyone there can drive it",
    )
    p.set_defaults(handler=_app)


def _app(args: argparse.Namespace) -> int:
    """Check the extra, the scenario, the host and the port (each a one-line error, exit 2), then serve until
    stopped."""
    from sim.app import server
    from sim.app.guard import listening

    missing = server.missing_packages()
    if missing:
        names = ", ".join(missing)
        raise ConfigError(f"`diplosim app` needs the optional 'app' extra (missing: {names})", hint=INSTALL_HINT)
    from sim.scenario.load import load_scenario

    load_scenario(args.scenario)
    served = listening(args.host, args.port, allow_remote=args.allow_remote)
    server.check_port(served.host, served.port)
    if not served.loopback:
        error(
            f"diplosim app: warning: listening on {'every network interface' if served.wildcard else served.host}"
            f" (--allow-remote): anyone who can reach port {served.port} of this machine can drive the dashboard"
            " and write result folders here; it has no log-in"
        )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the server is meant to stop
        server.serve(args.scenario, served)
    print("diplosim app: stopped", flush=True)
    return 0
