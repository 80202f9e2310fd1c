"""The `diplosim` command: a thin layer over the Python API that writes result folders and figures.

Each subcommand is registered by a small `_add_<name>(subparsers)` function that sets `handler=`; `main` parses,
calls `args.handler(args)`, and is the one place that turns bad input into exit code 2 (one line on stderr, no
traceback), an interrupt into 130 and an unreadable or unwritable file into 1. Only the standard library is
imported at start-up: numpy, pandas, xarray, matplotlib and mesa are imported inside the handlers that need them,
so `diplosim --help`, `list`, `show` and `validate` answer at once.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sim import __version__
from sim.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

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


def _whole(text: str, unit: str = "") -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number{unit}, got '{text}'") from None


def _count(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    value = _whole(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63 - 1, got {value}")
    return value


def _month(text: str) -> int:
    value = _whole(text, " of months")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or later, got {value}")
    return value


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
            Check scenario files without running them (schema, references, schedules).

            Prints one line per file; exits with 2 if any file has a problem.

            examples:
              diplosim validate scenarios/dialogue.toml
              diplosim validate scenarios/*.toml
        """),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or names)")
    p.set_defaults(handler=_validate)


def _add_list(sub: Any) -> None:
    p = sub.add_parser(
        "list",
        **_help("""
            List the bundled scenarios with their one-line descriptions.

            examples:
              diplosim list
        """),
    )
    p.set_defaults(handler=_list)


def _add_show(sub: Any) -> None:
    p = sub.add_parser(
        "show",
        **_help("""
            Print a scenario fully resolved (world plus overrides) as TOML, quoting the essay for each trust value.

            The output is itself a valid scenario file: save it, edit it, and run it.

            examples:
              diplosim show dialogue
              diplosim show baseline > my_scenario.toml
        """),
    )
    p.add_argument("scenario", help="name (see `diplosim list`) or path to a .toml")
    p.set_defaults(handler=_show)


def _add_plot(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        **_help("""
            Redraw the figures of a run or comparison folder into its plots/ folder.

            Figures are drawn from the folder's CSV tables, so this works without trajectories.nc.

            examples:
              diplosim plot results/examples/baseline
              diplosim plot results/examples/baseline --format pdf --network-steps 0 24 120
              diplosim plot results/examples/compare --format svg
        """),
    )
    p.add_argument("folder", type=Path, metavar="RESULT_DIR", help="a folder written by run or compare")
    p.add_argument("--format", choices=("png", "pdf", "svg"), default="png", help="image format (default: png)")
    p.add_argument(
        "--network-steps",
        type=_month,
        nargs="+",
        metavar="MONTH",
        help="months shown in the network figure (default: first, middle, last)",
    )
    p.set_defaults(handler=_plot)


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


COMMANDS: tuple[Callable[[Any], None], ...] = (
    _add_run,
    _add_compare,
    _add_validate,
    _add_list,
    _add_show,
    _add_plot,
    _add_cache,
    _add_sweep,
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

            exit codes: 0 ok, 1 a file could not be read or written, 2 bad input, 130 interrupted,
            143 terminated.
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
    from sim.config import load_scenario, scenario_path, validate_raw

    spec = load_scenario(ref)
    given = {"steps": steps, "replications": replications, "seed": seed}
    overrides = {k: v for k, v in given.items() if v is not None}
    if not overrides:
        return spec
    try:
        return validate_raw(spec.model_dump() | overrides, file=scenario_path(ref))
    except ConfigError as exc:
        source = settings_from or " ".join(f"--{k} {v}" for k, v in overrides.items())
        raise ConfigError(f"{exc.message} (with {source})", file=exc.file, key=exc.key, hint=exc.hint) from None


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

    `produce` returns what it computed, the files it wrote and jobs that write more (the trajectories); those
    run together with the figures' jobs (`figures` names the sim.plots function that lists them), several at
    once where there are CPUs to spare (sim.parallel).
    """
    from sim import output, parallel

    started = datetime.now(UTC)
    with output.atomic_output(out, args.force) as tmp:
        _announce("working")
        computed, files, jobs = produce(tmp)
        if not args.no_plots:
            from sim import plots

            jobs = [*getattr(plots, figures)(tmp, fields), *jobs]  # figures first: the longest jobs
        _announce("writing")
        files += parallel.run_all(jobs)
        listing = _listing(tmp, files)
        output.write_manifest(tmp, output.manifest(args.command_line, started=started, **fields, files=listing))
    return computed


def _run(args: argparse.Namespace) -> int:
    spec = _resolve(args.scenario, args.steps, args.replications, args.seed)
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
    if len(args.scenarios) < 2:
        raise UsageError("diplosim compare: error: give at least two scenarios (the first is the reference)")
    first = _resolve(args.scenarios[0], args.steps, args.replications, args.seed)
    settings = (first.steps, first.replications, first.seed)  # the first scenario's settings apply to all
    specs = {first.name: first}
    for ref in args.scenarios[1:]:
        spec = _resolve(ref, *settings, settings_from=f"the run settings of {first.name}")
        if spec.name in specs:
            raise ConfigError(f"scenario '{spec.name}' is given twice", hint="compare different scenarios")
        specs[spec.name] = spec
    out = _output_dir(args, "_vs_".join(specs))

    def produce(tmp: Path) -> tuple[Any, list[Path], list[Callable[[], Path]]]:
        import sim
        from sim import output

        runs = sim.compare(list(specs.values()), progress=_progress(args))
        tables = output.comparison_tables(runs)  # once: for the files and for the text below
        return tables[0], *output.write_comparison(tmp, runs, specs, tables)

    fields = {"scenarios": list(specs), **_run_fields(first)}
    final = _write_folder(args, out, fields, produce, "comparison_figures")
    if not args.quiet:
        print(_comparison_text(final, list(specs), first))
    print(out if args.quiet else f"\nWrote {out}/")
    return 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _validate(args: argparse.Namespace) -> int:
    from sim.config import load_scenario

    failed = 0
    for ref in args.files:
        try:
            spec = load_scenario(ref)
        except ConfigError as exc:
            failed += 1
            _error(f"diplosim: error: {exc}")
            continue
        print(
            f"ok  {ref}  ({spec.name}: {len(spec.actors)} actors, {_plural(len(spec.policies), 'policy', 'policies')}, "
            f"{spec.steps} months, {spec.replications} replications)"
        )
    return EXIT_BAD_INPUT if failed else 0


def _list(args: argparse.Namespace) -> int:
    from sim.config import list_scenarios

    scenarios = list_scenarios()
    width = max(map(len, scenarios), default=0)
    for name, description in scenarios.items():
        print(f"{name:<{width}}  {description}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim.config import load_scenario
    from sim.output import scenario_toml

    spec = load_scenario(args.scenario)
    print(_with_evidence(scenario_toml(spec), spec), end="")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from sim.output import read_manifest

    folder = args.folder
    if not folder.is_dir():
        raise ConfigError("no such folder", file=folder, hint="give a folder written by `diplosim run` or `compare`")
    meta = read_manifest(folder)
    from sim import plots

    if plots.is_comparison(folder):
        if args.network_steps:
            raise ConfigError("--network-steps applies to a run folder, not a comparison", file=folder)
        files = plots.plot_comparison(folder, meta, args.format)
    else:
        files = plots.plot_run(folder, meta, args.format, args.network_steps)
    for path in files:
        print(path)
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
    """The run's final trust per dyad: median and 90% band over replications."""
    from sim.output import final_table, final_window

    first, last = final_window(spec.steps)
    lines = [
        f"Final trust, {spec.name}: mean over months {first}-{last} of each of {spec.replications} replications",
        f"{'observer -> target':<20}{'median':>8}   90% band",
    ]
    for row in final_table(results).itertuples():
        lines.append(f"{row.observer + ' -> ' + row.target:<20}{row.p50:>8.3f}   [{row.p05:.3f}, {row.p95:.3f}]")
    return "\n".join(lines)


def _comparison_text(final: pd.DataFrame, names: list[str], first: Scenario) -> str:
    """Per dyad and scenario: mean final trust [90% band], and the difference from the first scenario [95% CI].

    `final` is the first table of `sim.output.comparison_tables`; `names` the scenarios, the reference first.
    """
    from sim.output import final_window

    lo, hi = final_window(first.steps)
    width = max(12, *map(len, names)) + 2
    lines = [
        f"Final trust: mean over months {lo}-{hi} of each replication; mean [90% band] over {first.replications}"
        " replications.",
        f"Difference from {names[0]}: mean of the paired differences per replication [95% CI] (common random numbers).",
        "",
        f"{'observer -> target':<20}{'scenario':<{width}}{'final trust':<22}difference from {names[0]}",
    ]
    for (obs, tgt), rows in final.groupby(["observer", "target"], sort=False):
        for i, row in enumerate(rows.set_index("scenario").loc[names].itertuples()):
            dyad = f"{obs} -> {tgt}" if i == 0 else ""
            cell = f"{row.mean:.3f} [{row.p05:.3f}, {row.p95:.3f}]"
            diff = "" if i == 0 else f"{row.diff:+.3f} [{row.diff_low:+.3f}, {row.diff_high:+.3f}]"
            lines.append(f"{dyad:<20}{row.Index:<{width}}{cell:<22}{diff}".rstrip())
    return "\n".join(lines)


def _with_evidence(text: str, spec: Scenario) -> str:
    """Insert, under each [world.trust.A.B] table, comments quoting the essay sentences it rests on."""
    from sim.essay import SENTENCES

    out = []
    for line in text.splitlines(keepends=True):
        out.append(line)
        if not line.startswith("[world.trust."):
            continue
        obs, tgt = line.strip()[1:-1].split(".")[2:4]
        dyad = spec.world.trust[obs][tgt]
        names = {code: actor.name for code, actor in spec.world.actors.items()}
        out.append(f"# {names[obs]}'s trust in {names[tgt]}: {dyad.initial} (plausible {dyad.low}-{dyad.high})\n")
        for sid in dyad.evidence:
            quote = textwrap.wrap(f'{sid} "{SENTENCES[sid]}"', 112, subsequent_indent="    ")
            out.extend(f"#   {part}\n" for part in quote)
        if dyad.inferred:
            out.extend(
                f"#   {part}\n" for part in textwrap.wrap(f"inferred: {dyad.inferred}", 112, subsequent_indent="    ")
            )
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Entry point


def _error(message: str) -> None:
    """Print a message on stderr as exactly one line."""
    print(" ".join(message.split()), file=sys.stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C so that unfinished output is removed."""


def _terminate(signum: int, frame: Any) -> NoReturn:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
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
        _error(f"diplosim: error: {where}{exc.strerror or exc}")
        return EXIT_IO
    finally:
        signal.signal(signal.SIGTERM, previous)
