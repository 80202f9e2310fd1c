"""`diplosim validate`, `list` and `show`: check scenario and sweep files, list the bundled ones, print one.

Only the standard library is imported here; the schema (pydantic) loads when a command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.args import EXIT_BAD_INPUT, error, help_text, plural
from sim.util.errors import ConfigError


def add_parsers(sub: Any) -> None:
    """Register `validate`, `list`, `show`."""
    _add_validate(sub)
    _add_list(sub)
    _add_show(sub)


def _add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        **help_text("""
            Check scenario, world or sweep files without running them (schema, references, schedules, designs).

            Prints one line per file; exits with 2 if any file has a problem.

            examples:
              diplosim validate scenarios/dialogue.toml
              diplosim validate scenarios/*.toml
              diplosim validate scenarios/sweeps/pressure_intensity.toml
        """),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario, world or sweep files (or scenario names)")
    p.set_defaults(handler=_validate)


def _add_list(sub: Any) -> None:
    p = sub.add_parser(
        "list",
        **help_text("""
            List the bundled scenarios and sweeps with their one-line descriptions.

            Run a scenario with `diplosim run NAME`, a sweep with `diplosim sweep NAME`.

            examples:
              diplosim list
        """),
    )
    p.set_defaults(handler=_list)


def _add_show(sub: Any) -> None:
    p = sub.add_parser(
        "show",
        **help_text("""
            Print what a scenario changes from the world, or with --full the whole resolved scenario, as TOML.

            By default: the run settings, the parameters that differ from the defaults, the policies, rules and
            event changes, and any world tables the scenario overrides, with the essay's sentences quoted. With
            --full: everything, world included, quoting the essay for each trust value. Either output is itself
            a valid scenario file: save it, edit it, and run it.

            examples:
              diplosim show dialogue
              diplosim show dialogue --full
              diplosim show baseline > my_scenario.toml
        """),
    )
    p.add_argument("scenario", help="name (see `diplosim list`) or path to a .toml")
    p.add_argument("--full", action="store_true", help="the whole resolved scenario, world included")
    p.set_defaults(handler=_show)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for ref in args.files:
        try:
            summary = _check_file(ref)
        except ConfigError as exc:
            failed += 1
            error(f"diplosim: error: {exc}")
            continue
        print(f"ok  {ref}  ({summary})")
    return EXIT_BAD_INPUT if failed else 0


def _check_file(ref: str) -> str:
    """Validate a scenario or a sweep file (told apart by their keys); a one-line summary of it."""
    from sim.scenario.kinds import is_sweep
    from sim.scenario.load import load_scenario, scenario_path
    from sim.util.tomlfile import read_toml

    if is_sweep(read_toml(scenario_path(ref))):
        from sim.sweep.spec import load_sweep

        sweep = load_sweep(scenario_path(ref))
        return (
            f"sweep {sweep.name}: {sweep.config.design} over {plural(len(sweep.parameters), 'number', 'numbers')} "
            f"of {sweep.scenario.name}, {plural(len(sweep.points), 'point', 'points')} x {sweep.replications} "
            f"replications, {sweep.scenario.steps} months"
        )
    spec = load_scenario(ref)
    return (
        f"{spec.name}: {len(spec.actors)} actors, {plural(len(spec.policies), 'policy', 'policies')}, "
        f"{spec.steps} months, {spec.replications} replications"
    )


def _list(args: argparse.Namespace) -> int:
    """The bundled scenarios; a file that cannot be read is reported on stderr and the others are still listed."""
    from sim.scenario.load import list_scenarios
    from sim.sweep.catalogue import list_sweeps

    problems: list[ConfigError] = []
    scenarios, sweeps = list_scenarios(problems), list_sweeps()
    width = max(map(len, [*scenarios, *sweeps]), default=0)
    print("Scenarios (diplosim run NAME):")
    for name, description in scenarios.items():
        print(f"  {name:<{width}}  {description}")
    if sweeps:
        print("\nSweeps (diplosim sweep NAME):")
        for name, description in sweeps.items():
            print(f"  {name:<{width}}  {description}")
    for exc in problems:
        error(f"diplosim: warning: skipped {exc}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim.scenario import show
    from sim.scenario.load import load_scenario

    spec = load_scenario(args.scenario)
    print(show.full_text(spec) if args.full else show.changes_text(spec, args.scenario), end="")
    return 0
