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
    """Validate a file by what it is (a scenario, world, sweep, fit file, codebook, series or event table, told
    apart by their keys or columns), each against its own schema; a one-line summary of it."""
    from pathlib import Path

    from sim.scenario.kinds import kind
    from sim.scenario.load import load_scenario, scenario_dir, scenario_path
    from sim.util.tomlfile import read_toml

    path = Path(ref)
    if path.suffix == ".csv":
        return _check_table(path)
    if path.suffix not in ("", ".toml"):
        raise ConfigError(
            "is not a file diplosim reads",
            file=path,
            hint="give scenario, world, sweep, fit or codebook files (.toml), or observed series or event tables",
        )
    what = kind(read_toml(scenario_path(ref)))
    if what == "sweep":
        from sim.sweep.spec import load_sweep

        sweep = load_sweep(scenario_path(ref))
        return (
            f"sweep {sweep.name}: {sweep.config.design} over {plural(len(sweep.parameters), 'number', 'numbers')} "
            f"of {sweep.scenario.name}, {plural(len(sweep.points), 'point', 'points')} x {sweep.replications} "
            f"replications, {sweep.scenario.steps} months"
        )
    if what == "fit":
        from sim.fit.problem import load_fit_file

        ranges, _ = load_fit_file(path)
        return f"fit file: {plural(len(ranges), 'range', 'ranges')} to calibrate ({', '.join(r.path for r in ranges)})"
    if what == "split":
        from sim.fit.split import load_split

        split = load_split(path)
        return f"train/test split: training rows up to {split.train_end}, held out after it (frozen {split.frozen})"
    if what == "codebook":
        from sim.fit.codebook import load_codebook

        world = load_scenario(scenario_dir() / "world.toml").world
        classes = load_codebook(path, moves=list(world.moves), events=list(world.events))
        return f"codebook: {plural(len(classes), 'event class', 'event classes')}, each to a move or event of the world"
    spec = load_scenario(ref)
    dates = spec.dates()
    when = f" ({dates[1]} to {dates[-1]})" if dates else ""
    return (
        f"{spec.name}: {len(spec.actors)} actors, {plural(len(spec.policies), 'policy', 'policies')}, "
        f"{spec.steps} months{when}, {spec.replications} replications"
    )


def _check_table(path: Any) -> str:
    """An observed-series CSV or a history event table (its codebook beside it, or one folder up)."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            header = [cell.strip() for cell in next(csv.reader(fh), [])]
    except FileNotFoundError:
        raise ConfigError("no such file", file=path) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"is not a readable CSV ({exc})", file=path) from None
    if "event_class" in header:
        from sim.fit.codebook import load_codebook, read_events

        books = [p for p in (path.parent / "codebook.toml", path.parent.parent / "codebook.toml") if p.is_file()]
        if not books:
            raise ConfigError("is an event table, but no codebook.toml is beside it or one folder up", file=path)
        rows = read_events(path, load_codebook(books[0]))
        return f"event table: {plural(len(rows), 'event', 'events')}, classes from {books[0]}"
    if "series" in header:
        from sim.fit.series import load_series

        observed = load_series(path)
        return (
            f"observed series: {plural(observed['series'].nunique(), 'series', 'series')}, "
            f"{plural(len(observed), 'observation', 'observations')}"
        )
    raise ConfigError(
        "is a CSV of neither observed series nor events", file=path, hint="see scenarios/history/README.md"
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
