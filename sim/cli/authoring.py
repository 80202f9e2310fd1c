"""`diplosim moves` and `diplosim new`: the move catalogue, and a commented starting scenario to edit.

Only the standard library is imported here; the schema (pydantic) loads when a command runs, so both answer at
once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.args import help_text
from sim.util.errors import ConfigError


def add_parsers(sub: Any) -> None:
    """Register `moves` and `new`."""
    p = sub.add_parser(
        "moves",
        **help_text("""
            List the moves a scenario can use: class, Goldstein weight, credibility, what answers them, the essay.

            For each move of the world: its class (cooperative: Goldstein weight above 0; hostile: below), its
            weight and credibility, the move reciprocity answers it with, its CAMEO code, its description and the
            essay's sentences it rests on (quoted at the end); then the moves that say "less of something", the
            bundles with their moves and class, and the actors' codes.

            examples:
              diplosim moves
              diplosim moves my_scenarios/talks.toml     # a scenario's world, with any moves it adds
              diplosim moves --no-quotes | less
        """),
    )
    p.add_argument("scenario", nargs="?", default=None, help="a scenario or world (default: the bundled world)")
    p.add_argument("--no-quotes", action="store_true", help="leave out the essay's sentences")
    p.set_defaults(handler=_moves)

    p = sub.add_parser(
        "new",
        **help_text("""
            Write a commented starting scenario, NAME.toml, that validates and runs as it is.

            The file explains each key where it stands: description and evidence, run settings and the
            calendar (from the world's present), the model parameters at their defaults (commented out), one
            policy, and a rule and an event change commented out. Edit it, then validate, run or compare it.
            An existing file is never replaced without --force.

            examples:
              diplosim new talks                          # writes talks.toml here
              diplosim new talks --out my_scenarios/talks.toml
              diplosim run talks.toml
        """),
    )
    p.add_argument("name", help="the scenario's name (letters, digits, _ - .)")
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="where to write it (default: NAME.toml here)")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=_new)


def _moves(args: argparse.Namespace) -> int:
    from sim.scenario.load import load_scenario, scenario_dir, scenario_path
    from sim.scenario.moves import catalogue_text

    ref = args.scenario if args.scenario is not None else scenario_dir() / "world.toml"
    spec = load_scenario(ref)
    source = "the bundled world" if args.scenario is None else str(scenario_path(ref))
    print(catalogue_text(spec.world, source, quotes=not args.no_quotes))
    return 0


def _new(args: argparse.Namespace) -> int:
    import tempfile

    from sim.scenario.load import load_scenario, scenario_dir
    from sim.scenario.template import starting_scenario
    from sim.util.files import write_atomic
    from sim.util.names import check_name

    check_name(args.name, key="NAME")
    path = args.out or Path(f"{args.name}.toml")
    if path.is_dir():
        raise ConfigError("is a folder", file=path, hint=f"give a file name, e.g. --out {path / args.name}.toml")
    if path.exists() and not args.force:
        raise ConfigError("already exists", file=path, hint="use --force to replace it, or choose another --out")
    if not path.parent.is_dir():
        raise ConfigError("its folder does not exist", file=path, hint="create the folder first")
    text = starting_scenario(args.name, load_scenario(scenario_dir() / "world.toml").world)
    with tempfile.TemporaryDirectory(prefix="diplosim-new-") as tmp:  # checked as it will load, before it is written
        probe = Path(tmp) / path.name
        probe.write_text(text, encoding="utf-8")
        load_scenario(probe)
    write_atomic(path, text.encode())
    print(f"Wrote {path}: edit it, then `diplosim validate {path}` and `diplosim run {path}`")
    return 0
