"""The `diplosim` command: a thin layer over the Python API that writes result folders and figures.

Each subcommand is registered by a small `_add_<name>(subparsers)` function that sets `handler=`; `main` parses,
calls `args.handler(args)`, and is the one place that turns bad input into exit code 2 (one line on stderr, no
traceback), Ctrl-C into 130, SIGTERM into 143, an unreadable or unwritable file into 1, and anything unforeseen
into 1 with one line naming a saved crash report. Only the standard library is
imported at start-up: numpy, pandas, xarray, matplotlib and mesa are imported inside the handlers that need them,
so `diplosim --help`, `list`, `show` and `validate` answer at once.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import math
import os
import signal
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sim import __version__, inputs
from sim.errors import ConfigError
from sim.safety import (
    Terminated,
    clear_stop,
    crash_report,
    describe,
    quiet_unraisable,
    raise_interrupted,
    raise_terminated,
)

if TYPE_CHECKING:
    from sim.config import Scenario
    from sim.results import Results

RESULTS_ROOT = Path("results")
EXIT_BAD_INPUT, EXIT_IO, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 1, 130, 143


class UsageError(Exception):
    """A command line argparse rejects (unknown option, missing argument, bad number)."""


class Parser(argparse.ArgumentParser):
    """argparse, but errors become one line (`main` prints it) instead of usage text plus exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


def _help(text: str) -> dict[str, Any]:
    """Keyword arguments for a subparser: one-line help, description, and an epilog of examples."""
    summary, _, examples = textwrap.dedent(text).strip().partition("\n\nexamples:\n")
    return {
        "help": summary.splitlines()[0],
        "description": summary,
        "epilog": "examples:\n" + examples if examples else None,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


# ---------------------------------------------------------------------------------------------------------------
# Argument types: each raises ArgumentTypeError, which Parser.error turns into one line


def _checked(*checks: Callable[[Any], Any]) -> Callable[[str], Any]:
    """An argparse type applying the checks the Python API also uses (sim.inputs), so both say the same."""

    def convert(text: str) -> Any:
        value: Any = text
        try:
            for check in checks:
                value = check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return convert


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got '{text}'") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got '{text}'")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"must be 0 or later, got {value}")
    return value


_count = _checked(inputs.parse_whole, inputs.at_least_one)
_seed = _checked(inputs.parse_whole, inputs.seed_range)
_month = _checked(lambda text: inputs.parse_whole(text, " of months"), _not_negative)


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by run and compare: run length, seed, output folder."""
    p.add_argument("-r", "--replications", type=_count, metavar="N", help="replications (default: the scenario's)")
    p.add_argument("-t", "--steps", type=_count, metavar="T", help="months to simulate (default: the scenario's)")
    p.add_argument("-s", "--seed", type=_seed, metavar="S", help="random seed (default: the scenario's)")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="output folder (default: results/<name>/<time>)")
    p.add_argument("-f", "--force", action="store_true", help="replace DIR if it holds an earlier result")
    p.add_argument("--no-plots", action="store_true", help="write the tables only, no figures (faster)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder (for scripts)")


# ---------------------------------------------------------------------------------------------------------------
# Subcommands


def _add_run(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        **_help("""
            Run a scenario and write its results folder.

            Writes summary.csv (per month and directed dyad: mean and 5/25/50/75/95% quantiles of trust over
            replications), alignment.csv, moves.csv, events.csv, trajectories.nc (every replication; load it
            with sim.Results.load), scenario.toml (the resolved scenario: `diplosim run` on it reproduces the
            run exactly), manifest.json and plots/. The folder appears only when complete.

            examples:
              diplosim run                                  # the baseline, with the scenario's settings
              diplosim run dialogue --replications 1000 --seed 7
              diplosim run my_scenarios/talks.toml --steps 60 --out results/talks
              diplosim run results/talks/scenario.toml --out results/talks-again   # reproduce a run
        """),
    )
    p.add_argument("scenario", nargs="?", default="baseline", help="name (see `diplosim list`) or path to a .toml")
    _add_run_options(p)
    p.set_defaults(handler=_run)


def _add_compare(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        **_help("""
            Run scenarios on the same random numbers and compare each with the first.

            For every directed dyad: each scenario's final trust (mean over the last 12 months of each
            replication; mean and 90% band over replications) and its difference from the first scenario with a
            95% confidence interval. Replications share random numbers across scenarios, so differences are
            paired per replication: mean difference +- 1.96 sd / sqrt(R). Writes comparison.csv,
            comparison_steps.csv (the same per month), <scenario>/scenario.toml and trajectories.nc,
            manifest.json and plots/.

            examples:
              diplosim compare baseline dialogue
              diplosim compare baseline dialogue us_pressure --replications 1000 --out results/policies
        """),
    )
    p.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", help="two or more names or paths; the first is the reference"
    )
    _add_run_options(p)
    p.set_defaults(handler=_compare)


def _add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        **_help("""
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
        **_help("""
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
        **_help("""
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


def _add_plot(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        **_help("""
            Redraw the figures of a run, comparison or sweep folder.

            Figures are drawn from the folder's CSV tables, so this works without trajectories.nc. They go to
            the folder's plots/ (a sweep's figures to the folder itself), or to --out DIR.

            examples:
              diplosim plot results/examples/baseline --out figures/baseline
              diplosim plot results/examples/baseline --format pdf --network-steps 0 24 120 --out figures/pdf
              diplosim plot results/examples/compare --format svg --out figures/compare
              diplosim plot results/examples/sweep_pressure_intensity --out figures/pressure
        """),
    )
    p.add_argument("folder", type=Path, metavar="RESULT_DIR", help="a folder written by run, compare or sweep")
    p.add_argument("--format", choices=("png", "pdf", "svg"), default="png", help="image format (default: png)")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="write the figures here (default: in the folder)")
    p.add_argument(
        "--network-steps",
        type=_month,
        nargs="+",
        metavar="MONTH",
        help="months shown in the network figure (default: first, middle, last)",
    )
    p.set_defaults(handler=_plot)


def _add_discover(sub: Any) -> None:
    p = sub.add_parser(
        "discover",
        **_help("""
            Find the parameter ranges of a sweep that lead to an outcome above (or below) a threshold (PRIM).

            Peels the sweep's parameter space toward a box where the cases of interest are dense (PRIM, from the
            EMA Workbench: pip install 'diplosim[discover]'), prints the box that is densest while holding at
            least --min-coverage of them, and writes boxes.csv (every box on the peeling trajectory), box.csv
            (the box reported, per parameter, with quasi-p values), trajectory.png, limits.png and manifest.json.
            A case is one replication at one point (--cases runs, from the folder's chunks/), or one point with
            its median (--cases points, from sweep.csv).

            examples:
              diplosim discover results/pressure --outcome "PAK->USA" --above 0.2
              diplosim discover results/sobol --outcome alignment --below 0.6 --cases points --out results/low
        """),
    )
    p.add_argument("folder", type=Path, metavar="SWEEP_DIR", help="a folder written by `diplosim sweep`")
    p.add_argument("--outcome", required=True, help="'PAK->USA' (trust), 'PAK-USA' (mutual), or an outcome name")
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument("--above", type=_fraction, metavar="X", help="cases of interest: outcome above X")
    side.add_argument("--below", type=_fraction, metavar="X", help="cases of interest: outcome below X")
    p.add_argument("--cases", choices=("runs", "points"), default="runs", help="what a case is (default: runs)")
    p.add_argument(
        "--min-coverage", type=_fraction, default=0.5, metavar="C", help="share of cases of interest the box keeps"
    )
    p.add_argument("--format", choices=("png", "pdf", "svg"), default="png", help="image format (default: png)")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="default: SWEEP_DIR/discover/<outcome>-<side>-<X>")
    p.add_argument("-f", "--force", action="store_true", help="replace DIR if it holds an earlier result")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder (for scripts)")
    p.set_defaults(handler=_discover)


def _add_report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        **_help("""
            Write one self-contained HTML page for a run, comparison or sweep folder, to read and share.

            The page holds the scenario's description and the essay sentences it rests on, the final-trust
            table (a sweep: its summary), every figure with its caption, and the manifest. Figures are embedded
            and nothing is fetched from elsewhere, so the file opens offline and can be sent as it is.

            examples:
              diplosim report results/examples/baseline --out baseline.html
              diplosim report results/policies            # writes results/policies/report.html
        """),
    )
    p.add_argument("folder", type=Path, metavar="RESULT_DIR", help="a folder written by run, compare or sweep")
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="the HTML file (default: RESULT_DIR/report.html)")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=_report)


def _add_cache(sub: Any) -> None:
    p = sub.add_parser(
        "cache",
        **_help("""
            Show or clear the calibration cache: each world's calibrated baselines, computed once and reused.

            The folder is $DIPLOSIM_CACHE_DIR if set, else the user cache folder (~/.cache/diplosim on Linux).
            Entries are keyed by the world and by the code, so a stale entry is never used; DIPLOSIM_CACHE=off
            turns the cache off.

            examples:
              diplosim cache             # where it is, its entries and their size
              diplosim cache --clear     # delete them (they are recomputed when needed)
        """),
    )
    p.add_argument("--clear", action="store_true", help="delete every entry")
    p.set_defaults(handler=_cache)


def _add_sweep(sub: Any) -> None:
    """The `sweep` command lives with the sweep engine (sim/sweep/command.py); registered once that exists."""
    if importlib.util.find_spec("sim.sweep.command") is not None:
        from sim.sweep import command as sweep_command

        sweep_command.add_parser(sub)


def _add_fit(sub: Any) -> None:
    """`calibrate` and `score` live with the fitting code (sim/fit/command.py)."""
    from sim.fit import command as fit_command

    fit_command.add_parsers(sub)


def _add_app(sub: Any) -> None:
    """The `app` command lives with the dashboard (sim/app/command.py); it imports no web libraries until run."""
    from sim.app import command as app_command

    app_command.add_parser(sub)


COMMANDS: tuple[Callable[[Any], None], ...] = (
    _add_run,
    _add_compare,
    _add_validate,
    _add_list,
    _add_show,
    _add_plot,
    _add_cache,
    _add_sweep,
    _add_fit,
    _add_discover,
    _add_report,
    _add_app,
)


def build_parser() -> Parser:
    parser = Parser(
        prog="diplosim",
        description="Agent-based model of diplomatic trust among Pakistan, the US, China and India (Mesa).",
        epilog=textwrap.dedent("""
            examples:
              diplosim list                       # the bundled scenarios
              diplosim run dialogue               # run one, write results/dialogue/<time>/
              diplosim compare baseline dialogue  # effect of dialogue, with confidence intervals
              diplosim <command> --help           # options and examples of a command

            exit codes: 0 ok, 1 a file could not be read or written (or an internal error; the report's file is
            named), 2 bad input (nothing written), 130 interrupted, 143 terminated.
        """),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"diplosim {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for add in COMMANDS:
        add(sub)
    return parser


# ---------------------------------------------------------------------------------------------------------------
# Handlers


def _resolve(
    ref: str, steps: int | None, replications: int | None, seed: int | None, settings_from: str | None = None
) -> Scenario:
    """Load a scenario and apply run settings, re-checking it (e.g. events after the last step).

    `settings_from` names where the settings came from, for the error message (default: the flags given).
    """
    from sim.config import load_scenario, scenario_path

    given = {"steps": steps, "replications": replications, "seed": seed}
    return inputs.apply_settings(load_scenario(ref), given, settings_from, file=scenario_path(ref))


def _output_dir(args: argparse.Namespace, name: str) -> Path:
    from sim.output import default_dir

    return args.out if args.out else default_dir(RESULTS_ROOT, name)


def _run_fields(spec: Scenario) -> dict[str, Any]:
    return {
        "seed": spec.seed,
        "replications": spec.replications,
        "steps": spec.steps,
        "actors": {code: actor.name for code, actor in spec.world.actors.items()},
    }


def _listing(folder: Path, files: Sequence[Path]) -> list[str]:
    """The files of a result folder, relative to it, for its manifest (the manifest itself last)."""
    from sim.output import MANIFEST

    return [*sorted(str(f.relative_to(folder)) for f in files), MANIFEST]


def _announce(state: str) -> None:
    """Write `state` to the file `$DIPLOSIM_STATE_FILE` names, if set, when the command reaches it: "working" (its
    unfinished output folder exists and the computation starts), then "writing" (figures and trajectory files are
    being written, in parallel). Tests that interrupt a command wait for a state instead of guessing with a sleep
    how far the command got."""
    path = os.environ.get("DIPLOSIM_STATE_FILE")
    if path:  # written whole, then renamed: the watcher never reads a half-written file
        Path(path + ".tmp").write_text(state + "\n", encoding="utf-8")
        os.replace(path + ".tmp", path)


def _progress(args: argparse.Namespace) -> bool:
    """A progress bar only for people watching (stderr is a terminal), never in --quiet mode."""
    return not args.quiet and sys.stderr.isatty()


def _write_folder(
    args: argparse.Namespace,
    out: Path,
    fields: dict[str, Any],
    produce: Callable[[Path], tuple[Any, list[Path], list[Callable[[], Path]]]],
    figures: str,
) -> Any:
    """Run `produce(folder)` in a folder that appears only when complete, add figures and the manifest.

    `produce` returns what it computed, the files it wrote and jobs that write more (the trajectories). The
    figures (`figures` names the sim.plots function that lists their jobs) are drawn from the tables by helper
    processes forked before `produce` starts, which import matplotlib while it computes (sim.parallel.Helpers);
    this process runs the other jobs meanwhile.
    """
    from sim import output, parallel

    started = datetime.now(UTC)
    with output.atomic_output(out, args.force) as tmp:
        _announce("working")
        if args.no_plots:  # nothing for helpers to draw: none are forked
            helpers = parallel.Helpers(lambda: [], warm=_import_plots, processes=1)
        else:
            helpers = parallel.Helpers(partial(_figure_jobs, figures, tmp, fields), warm=_import_plots)
        with helpers:
            computed, files, jobs = produce(tmp)
            _announce("writing")
            files += helpers.run(jobs)
        listing = _listing(tmp, files)
        output.write_manifest(tmp, output.manifest(args.command_line, started=started, **fields, files=listing))
    return computed


def _figure_jobs(figures: str, folder: Path, fields: dict[str, Any]) -> list[Callable[[], Path]]:
    """The jobs drawing a result folder's figures; `figures` names the sim.plots function that lists them."""
    from sim import plots

    return getattr(plots, figures)(folder, fields)


def _import_plots() -> None:
    """What drawing needs (matplotlib, pandas), imported by a helper while the command computes."""
    import sim.plots  # noqa: F401


def _run(args: argparse.Namespace) -> int:
    spec = _resolve(args.scenario, args.steps, args.replications, args.seed)
    inputs.check_run_memory(spec, spec.replications)
    out = _output_dir(args, spec.name)

    def produce(tmp: Path) -> tuple[Any, list[Path], list[Callable[[], Path]]]:
        import sim
        from sim import output

        results = sim.run(spec, progress=_progress(args))
        return results, *output.write_run(tmp, results, spec)

    results = _write_folder(args, out, {"scenario": spec.name, **_run_fields(spec)}, produce, "run_figures")
    if not args.quiet:
        print(_final_text(results, spec))
    print(out if args.quiet else f"\nWrote {out}/")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from sim.config import scenario_path

    if len(args.scenarios) < 2:
        raise UsageError("diplosim compare: error: give at least two scenarios (the first is the reference)")
    first = _resolve(args.scenarios[0], args.steps, args.replications, args.seed)
    settings = (first.steps, first.replications, first.seed)  # the first scenario's settings apply to all
    resolved = [first]
    for ref in args.scenarios[1:]:
        resolved.append(_resolve(ref, *settings, settings_from=f"the run settings of {first.name}"))
    inputs.check_comparable(resolved, [scenario_path(ref) for ref in args.scenarios])
    inputs.check_run_memory(first, first.replications, len(resolved))
    specs = {spec.name: spec for spec in resolved}
    out = _output_dir(args, inputs.comparison_name(list(specs)))

    def produce(tmp: Path) -> tuple[Any, list[Path], list[Callable[[], Path]]]:
        import sim
        from sim import output

        runs = sim.compare(list(specs.values()), progress=_progress(args))
        tables = (runs.table(), runs.steps())  # computed once: for the files and for the text below
        return runs, *output.write_comparison(tmp, runs, specs, tables)

    fields = {"scenarios": list(specs), **_run_fields(first)}
    runs = _write_folder(args, out, fields, produce, "comparison_figures")
    if not args.quiet:
        print(runs.text())
    print(out if args.quiet else f"\nWrote {out}/")
    return 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for ref in args.files:
        try:
            summary = _check_file(ref)
        except ConfigError as exc:
            failed += 1
            _error(f"diplosim: error: {exc}")
            continue
        print(f"ok  {ref}  ({summary})")
    return EXIT_BAD_INPUT if failed else 0


def _check_file(ref: str) -> str:
    """Validate a scenario or a sweep file (told apart by their keys); a one-line summary of it."""
    from sim.config import load_scenario, scenario_path

    if inputs.is_sweep(inputs.read_toml(scenario_path(ref))):
        from sim.sweep.spec import load_sweep

        sweep = load_sweep(scenario_path(ref))
        return (
            f"sweep {sweep.name}: {sweep.config.design} over {_plural(len(sweep.parameters), 'number', 'numbers')} "
            f"of {sweep.scenario.name}, {_plural(len(sweep.points), 'point', 'points')} x {sweep.replications} "
            f"replications, {sweep.scenario.steps} months"
        )
    spec = load_scenario(ref)
    return (
        f"{spec.name}: {len(spec.actors)} actors, {_plural(len(spec.policies), 'policy', 'policies')}, "
        f"{spec.steps} months, {spec.replications} replications"
    )


def _list(args: argparse.Namespace) -> int:
    """The bundled scenarios; a file that cannot be read is reported on stderr and the others are still listed."""
    from sim.config import list_scenarios
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
        _error(f"diplosim: warning: skipped {exc}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim import show
    from sim.config import load_scenario

    spec = load_scenario(args.scenario)
    print(show.full_text(spec) if args.full else show.changes_text(spec, args.scenario), end="")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from sim.folders import is_comparison, read_manifest

    folder = args.folder
    if not folder.is_dir():
        raise ConfigError("no such folder", file=folder, hint="give a folder written by run, compare or sweep")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise ConfigError("exists and is not a folder", file=args.out, hint="choose another --out")
    meta = read_manifest(folder)
    from sim import plots
    from sim.sweep import figures as sweep_figures

    comparison, sweep = is_comparison(folder), sweep_figures.is_sweep(folder)
    if args.network_steps and (comparison or sweep):
        raise ConfigError("--network-steps applies to a run folder, not a comparison or sweep", file=folder)
    if sweep:
        files = sweep_figures.plot_sweep(folder, meta, args.format, args.out)
    elif comparison:
        files = plots.plot_comparison(folder, meta, args.format, args.out)
    else:
        files = plots.plot_run(folder, meta, args.format, args.network_steps, args.out)
    for path in files:
        print(path)
    return 0


def _discover(args: argparse.Namespace) -> int:
    from sim import discovery, output

    started = datetime.now(UTC)
    side, threshold = ("above", args.above) if args.above is not None else ("below", args.below)
    found = discovery.discover(
        args.folder,
        args.outcome,
        above=args.above,
        below=args.below,
        cases_from=args.cases,
        min_coverage=args.min_coverage,
    )
    out = args.out or args.folder / "discover" / f"{found.outcome}-{side}-{threshold:g}"
    with output.atomic_output(out, args.force) as tmp:
        files = discovery.write(found, tmp, args.format)
        fields = {"sweep": found.sweep, "folder": str(args.folder), "outcome": found.outcome, side: threshold}
        fields |= {"cases": args.cases, "min_coverage": args.min_coverage, "box": found.chosen}
        output.write_manifest(
            tmp, output.manifest(args.command_line, started=started, **fields, files=_listing(tmp, files))
        )
    print(out if args.quiet else f"{found.text()}\n\nWrote {out}/")
    return 0


def _report(args: argparse.Namespace) -> int:
    from sim import report

    print(report.write(args.folder, args.out, args.force))
    return 0


def _cache(args: argparse.Namespace) -> int:
    from sim import diskcache

    if args.clear:
        print(f"Removed {_plural(diskcache.clear(), 'entry', 'entries')} from {diskcache.cache_dir()}")
        return 0
    found = diskcache.entries()
    size = sum(p.stat().st_size for p in found) / 1e6
    state = "" if diskcache.enabled() else " (off: DIPLOSIM_CACHE is set to turn it off)"
    print(f"{diskcache.cache_dir()}: {_plural(len(found), 'entry', 'entries')}, {size:.1f} MB{state}")
    return 0


# ---------------------------------------------------------------------------------------------------------------
# Text output


def _final_text(results: Results, spec: Scenario) -> str:
    """The run's final trust per dyad: median and 90% band over replications, as final.csv has it."""
    from sim import printout, stats
    from sim.output import final_table

    window = stats.final_window(spec.steps)
    return printout.final_text(final_table(results), scenario=spec.name, window=window, replications=spec.replications)


# ---------------------------------------------------------------------------------------------------------------
# Entry point


def _error(message: str) -> None:
    """Print a message on stderr as exactly one line."""
    print(" ".join(message.split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    clear_stop()
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    previous_int = signal.signal(signal.SIGINT, raise_interrupted)
    previous_hook, sys.unraisablehook = sys.unraisablehook, quiet_unraisable
    try:
        args = build_parser().parse_args(argv)
        if not hasattr(args, "handler"):
            build_parser().print_help()
            return 0
        args.command_line = ["diplosim", *argv]
        return args.handler(args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    except ConfigError as exc:
        _error(f"diplosim: error: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _error(f"diplosim: {stopped}; unfinished output was removed")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away, e.g. `diplosim show baseline | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush stays quiet
        return EXIT_IO
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        full = "; free some space and run it again" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        _error(f"diplosim: error: {where}{exc.strerror or exc}{full}")
        return EXIT_IO
    except MemoryError:
        _error("diplosim: error: out of memory (hint: fewer replications, steps or points)")
        return EXIT_IO
    except Exception as exc:  # a bug or an unforeseen failure: one line and a saved report, never a traceback
        report = crash_report(exc, ["diplosim", *argv])
        saved = f"the full report is in {report}" if report else "the report could not be saved"
        _error(f"diplosim: internal error: {describe(exc)}; {saved} (please report it)")
        return EXIT_IO
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        sys.unraisablehook = previous_hook
        clear_stop()
