"""`diplosim calibrate` and `diplosim score`: fit named parameters to observed series, and score a run against them.

Registered by sim.cli.main through `add_parsers`. Only argparse (and the CLI's argument types) are imported here; the
numerical stack loads when a command runs, so `diplosim --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from sim.cli.args import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    checked,
    count,
    help_text,
    output_folder,
    seed,
    watching,
)
from sim.util.arguments import whole_between

SERIES_HELP = "observed series CSV: series,observer,target,year,month,value,source[,verified]"


_year = checked(whole_between(1000, 9999, "a year"))


def add_parsers(sub: Any) -> None:
    """Register `calibrate` and `score`."""
    _add_calibrate(sub)
    _add_score(sub)


def _add_calibrate(sub: Any) -> None:
    p = sub.add_parser(
        "calibrate",
        **help_text("""
            Fit named parameters of a dated scenario to observed series, and test the fit out of sample.

            Minimises the mean over series of the RMSE on the train window (years up to --split) by seeded
            differential evolution (scipy), every candidate on the same seed and replications (common random
            numbers). Scores the fitted scenario, the scenario as given and the fitted scenario's no-moves run
            on both windows (RMSE, rank correlation, direction of change, coverage of the 90% band). Writes
            fitted.toml (the values as a TOML snippet), metrics.csv, points.csv, bands.csv, scenario.toml (the
            fitted scenario), series.csv, journal.jsonl (every evaluation), fit.png and manifest.json. The
            folder appears only when complete; an interrupted calibration continues with --resume and ends with
            the same result.

            A fit file holds [[param]] tables (path, low, high) and optionally replications, seed, maxiter,
            popsize and split; options given on the command line win.

            examples:
              diplosim calibrate history.toml pew.csv --param parameters.alpha=0.05:1 --param parameters.mu=0:0.3
              diplosim calibrate history.toml pew.csv --fit ranges.toml --replications 200 --out results/fit
              diplosim calibrate history.toml pew.csv --fit ranges.toml --out results/fit --resume
        """),
    )
    p.add_argument("scenario", help="a dated scenario: name or path to a .toml")
    p.add_argument("series", type=Path, help=SERIES_HELP)
    ranges = p.add_mutually_exclusive_group(required=True)
    ranges.add_argument("--fit", type=Path, metavar="FILE", help="TOML file of ranges ([[param]] path, low, high)")
    ranges.add_argument("--param", action="append", metavar="PATH=LOW:HIGH", help="a range to fit (repeat for several)")
    p.add_argument("-r", "--replications", type=count, metavar="N", help="replications per candidate (default 100)")
    p.add_argument(
        "-s", "--seed", type=seed, metavar="S", help="seed of every run and of the search (default: the scenario's)"
    )
    p.add_argument("--maxiter", type=count, metavar="G", help="most generations of the search (default 30)")
    p.add_argument("--popsize", type=count, metavar="M", help="candidates per generation per parameter (default 10)")
    p.add_argument("--split", type=_year, metavar="YEAR", help="last year of the train window (default 2010)")
    p.add_argument(
        "--series", action="append", dest="series_names", metavar="NAME", help="fit only this series (repeatable)"
    )
    p.add_argument(
        "-o", "--out", type=Path, metavar="DIR", help="output folder (default: results/<scenario>-calibration/<time>)"
    )
    p.add_argument("-f", "--force", action="store_true", help="replace DIR, or discard an unfinished calibration there")
    p.add_argument("--resume", action="store_true", help="continue an interrupted calibration from its journal")
    p.add_argument("--no-plots", action="store_true", help="no figure")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder")
    p.set_defaults(handler=_calibrate)


def _add_score(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        **help_text("""
            Score a run folder of a dated scenario against observed series, beside its no-moves run.

            The simulated value of an observation is the mean over replications of trust at its survey month,
            or of the year's mean when the row gives no month. Per series and window (train: years up to
            --split; test: after): RMSE, Spearman rank correlation, the share of consecutive observations whose
            direction of change the simulation matches (changes under 0.01 count as none), and the share of
            observations inside the simulated 90% band. The no-moves run (the scenario without its policies,
            rules and events, on the same seed and replications) is run and scored beside it.

            examples:
              diplosim run history.toml --out results/history
              diplosim score results/history pew.csv
              diplosim score results/history pew.csv --split 2008 -o results/history-score.csv
        """),
    )
    p.add_argument("folder", type=Path, metavar="RUN_DIR", help="a folder written by `diplosim run`")
    p.add_argument("series", type=Path, help=SERIES_HELP)
    p.add_argument("--split", type=_year, default=2010, metavar="YEAR", help="last year of the train window")
    p.add_argument("--no-reference", action="store_true", help="do not run and score the no-moves run")
    p.add_argument(
        "--series", action="append", dest="series_names", metavar="NAME", help="score only this series (repeatable)"
    )
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="also write the metrics as CSV to FILE")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=_score)


def _print_metrics(metrics: Any, outside: Any) -> None:
    """The metrics table, its headline, and how many observations fall outside the run."""
    from sim.fit import report

    print()
    print(report.metrics_text(metrics))
    print(report.rmse_headline(metrics))
    note = _outside_note(outside)
    if note:
        print(note)


def _outside_note(outside: Any) -> str | None:
    if outside.empty:
        return None
    years = sorted(set(outside["year"]))
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return f"note: {len(outside)} observation(s) ({span}) fall outside the run and are not scored"


def _score(args: argparse.Namespace) -> int:
    from sim.fit.api import score_run
    from sim.runs import stats
    from sim.util.errors import ConfigError
    from sim.util.files import write_atomic

    if args.out is not None and args.out.exists() and not args.force:
        raise ConfigError("already exists", file=args.out, hint="use --force to replace it, or choose another -o")
    result = score_run(
        args.folder, args.series, args.split, reference=not args.no_reference, series=tuple(args.series_names or ())
    )
    spec = result.scenario
    print(
        f"Score of {args.folder} (scenario {spec.name}, {result.replications} replications, seed {result.seed}) "
        f"against {args.series}"
    )
    reference = "" if args.no_reference else "; 'no moves': the same scenario without its moves, same random numbers"
    print(f"train: years up to {args.split}, test: from {args.split + 1}{reference}")
    if not result.exact_bands:
        print("(from summary.csv: no 90% band for yearly values; keep trajectories.nc for exact bands)")
    _print_metrics(result.metrics, result.outside)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(args.out, stats.csv_bytes(result.metrics))
        print(f"\nWrote {args.out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from sim.fit import api
    from sim.outputs.resumable import Interrupted

    problem = _problem(args)
    name = problem.scenario.name
    find = partial(api.find_unfinished, problem=problem)
    out = output_folder(args, f"{name}-calibration", find, f"calibration of '{name}' with these settings")
    try:
        result = api.calibrate(
            problem,
            out,
            series_file=args.series,
            resume=args.resume,
            force=args.force,
            figures=not args.no_plots,
            progress=watching(args),
            command=getattr(args, "command_line", None),
        )
    except Interrupted as exc:
        print(f"diplosim calibrate: {exc}", file=sys.stderr)
        print(f"continue with: {' '.join(_resume_command(args, out))}", file=sys.stderr)
        return EXIT_TERMINATED if exc.terminated else EXIT_INTERRUPTED
    if args.quiet:
        print(result.out)
        return 0
    _print_calibration(result)
    return 0


def _problem(args: argparse.Namespace) -> Any:
    """The calibration problem: the ranges (from --fit or --param), the settings given, the scenario and series."""
    from sim.fit import api
    from sim.fit.optimise import load_fit_file, parse_param

    if args.fit is not None:
        ranges, settings = load_fit_file(args.fit)
    else:
        ranges, settings = [parse_param(text) for text in args.param], {}
    given = {k: getattr(args, k) for k in ("replications", "seed", "maxiter", "popsize", "split")}
    settings |= {k: v for k, v in given.items() if v is not None}
    if args.series_names:
        settings["series"] = tuple(args.series_names)
    return api.load_problem(args.scenario, args.series, ranges, settings)


def _print_calibration(result: Any) -> None:
    """What was fitted, how the search went, the fitted values and the metrics."""
    from sim.fit import report

    problem, fit = result.problem, result.fit
    s = problem.settings
    print(
        f"Calibrated {len(problem.ranges)} number(s) of {problem.scenario.name} on years up to {s.split} "
        f"({s.replications} replications, seed {s.seed}): {fit.generations} generations, {fit.evaluations} "
        f"evaluations ({fit.evaluations - fit.computed} from the journal), "
        + ("converged" if fit.converged else "stopped at --maxiter")
    )
    print()
    print(report.values_text(problem.paths, list(result.values.values()), problem.initial, problem.bounds))
    _print_metrics(result.metrics, problem.outside)
    print(f"\nWrote {result.out}/")


def _resume_command(args: argparse.Namespace, out: Path) -> list[str]:
    """The command line that continues this calibration."""
    words = list(getattr(args, "command_line", ["diplosim", "calibrate"]))
    words = [w for w in words if w not in ("--resume", "-f", "--force")]
    if args.out is None:
        words += ["--out", str(out)]
    return [*words, "--resume"]
