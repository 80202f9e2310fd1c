"""`diplosim calibrate` and `diplosim score`: fit a posterior of model parameters to histories, and score a run.

Registered by sim.cli.main through `add_parsers`. Only argparse (and the CLI's argument types) are imported here; the
numerical stack loads when a command runs, so `diplosim --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
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

SERIES_HELP = "observed series CSV: series,observer,target,year,month,value,source[,verified][,sample_size]"
SPLIT_HELP = "last year of the training window (default: the frozen split, scenarios/fits/split.toml)"

_year = checked(whole_between(1000, 9999, "a year"))


def _unit(text: str) -> float:
    """A number strictly between 0 and 1 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def add_parsers(sub: Any) -> None:
    """Register `calibrate` and `score`."""
    _add_calibrate(sub)
    _add_score(sub)


CALIBRATE_HELP = """
    Fit a posterior sample of model parameters to dated histories, and score it out of sample.

    One fit across every history given: a parameter vector's distance is the mean over series of each
    series' RMSE on the training window (years up to --split; rows marked verified = no are never read),
    from the mean of --replications runs of each history (the same random numbers for every candidate).
    Each history is fitted on the series between the actors its policies involve. The posterior is
    sampled by ABC-SMC (population Monte Carlo with an adaptive tolerance, uniform priors on the
    ranges): --particles per population, at most --generations populations.

    Each block of candidates runs in this process, on every core (default), or is cut into one piece per
    worker and run on --workers N local processes or on a Dask cluster (--scheduler ADDRESS), as a sweep's
    chunks are. The result is the same, file for file, on any of them.

    The posterior is then scored: every history and its no-moves version run --predictive times, each
    replication on its own posterior draw, and every row (training and held out) is scored beside the
    training mean and persistence (RMSE, CRPS, coverage of the 90% band, the poll's sampling error),
    ending with a verdict on the held-out years.

    Writes posterior.csv (the sample `run --fit` draws from), populations.csv, parameters.csv,
    metrics.csv, points.csv, bands.csv, histories/, series.csv, journal.jsonl (every evaluation),
    fit.png and manifest.json. The folder appears only when complete; an interrupted calibration
    continues with --resume and ends with the same result.

    A fit file holds [[param]] tables (path, low, high: the prior range of a model parameter) and
    optionally particles, generations, quantile, replications, predictive, seed, split and series; options
    given on the command line win.

    examples:
      diplosim calibrate scenarios/history/us_china.toml scenarios/history/observed.csv \\
          --param parameters.alpha=0.02:0.6 --param parameters.level_gain=0:60
      diplosim calibrate scenarios/history/*.toml scenarios/history/observed.csv \\
          --fit scenarios/fits/default.toml --out scenarios/fits/default
      diplosim calibrate scenarios/history/us_china.toml observed.csv --fit ranges.toml --out f --resume
      diplosim calibrate scenarios/history/*.toml scenarios/history/observed.csv \\
          --fit scenarios/fits/default.toml --scheduler tcp://10.0.0.5:8786
"""


def _add_calibrate(sub: Any) -> None:
    p = sub.add_parser("calibrate", **help_text(CALIBRATE_HELP))
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="dated history scenarios: names or paths")
    p.add_argument("series", type=Path, help=SERIES_HELP)
    ranges = p.add_mutually_exclusive_group(required=True)
    ranges.add_argument("--fit", type=Path, metavar="FILE", help="TOML file of prior ranges ([[param]])")
    ranges.add_argument("--param", action="append", metavar="PATH=LOW:HIGH", help="a prior range (repeat for several)")
    p.add_argument("--particles", type=count, metavar="N", help="particles per population (default 100)")
    p.add_argument("--generations", type=count, metavar="G", help="most populations (default 5)")
    p.add_argument("--quantile", type=_unit, metavar="Q", help="tolerance: this quantile of the last distances (0.5)")
    p.add_argument("-r", "--replications", type=count, metavar="K", help="runs per candidate (default 8)")
    p.add_argument("--predictive", type=count, metavar="R", help="posterior runs scored per history (default 200)")
    p.add_argument("-s", "--seed", type=seed, metavar="S", help="seed of every run and of the sampler (default 0)")
    p.add_argument("--split", type=_year, metavar="YEAR", help=SPLIT_HELP)
    p.add_argument(
        "--series", action="append", dest="series_names", metavar="NAME", help="fit only this series (repeatable)"
    )
    p.add_argument(
        "-o", "--out", type=Path, metavar="DIR", help="output folder (default: results/<histories>-calibration/<time>)"
    )
    p.add_argument("-f", "--force", action="store_true", help="replace DIR, or discard an unfinished calibration there")
    p.add_argument("--resume", action="store_true", help="continue an interrupted calibration from its journal")
    _add_where(p)
    p.add_argument("--no-plots", action="store_true", help="no figure")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder")
    p.set_defaults(handler=_calibrate)


def _add_where(p: argparse.ArgumentParser) -> None:
    """Where the candidates run: --workers or --scheduler, as for `diplosim sweep`."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=count, metavar="N", help="local worker processes for the candidates (default: this process)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="run the candidates on a Dask scheduler, e.g. tcp://host:8786"
    )


def _add_score(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        **help_text("""
            Score a run folder of a dated scenario against observed series, beside three baselines.

            The simulated value of an observation is, per replication, trust at its survey month, or the year's
            mean when the row gives no month. Rows marked verified = no are kept in the file but not scored. The
            run is scored beside its no-moves run (the scenario without its policies, rules and events, on the
            same seed, replications and, for a run made with --fit, parameter draws), the mean of each series'
            training values and its last training value (persistence). Per series and window (train: years up
            to --split; test: after): RMSE, CRPS (the replications as an ensemble; for a point forecast the
            absolute error), the share inside the 90% band, direction of change, and the polls' sampling error.
            Ends with a verdict: in how many series the run beats how many baselines on the held-out years.

            examples:
              diplosim run history/us_china --fit default --out results/us_china
              diplosim score results/us_china scenarios/history/observed.csv
              diplosim score results/us_china scenarios/history/observed.csv --format json
        """),
    )
    p.add_argument("folder", type=Path, metavar="RUN_DIR", help="a folder written by `diplosim run`")
    p.add_argument("series", type=Path, help=SERIES_HELP)
    p.add_argument("--split", type=_year, metavar="YEAR", help=SPLIT_HELP)
    p.add_argument("--no-reference", action="store_true", help="do not run and score the no-moves run")
    p.add_argument(
        "--series", action="append", dest="series_names", metavar="NAME", help="score only this series (repeatable)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json on stdout")
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="also write the metrics as CSV to FILE")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=_score)


def _notes(outside: Any, unverified: Any) -> list[str]:
    """What was not scored, and why."""
    notes = []
    if not outside.empty:
        years = sorted(set(outside["year"]))
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        notes.append(f"note: {len(outside)} observation(s) ({span}) fall outside the run and are not scored")
    if len(unverified):
        notes.append(f"note: {len(unverified)} row(s) marked verified = no are kept in the file but not scored")
    return notes


def _score(args: argparse.Namespace) -> int:
    from sim.fit import report
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
    if args.format == "json":
        info = {
            "folder": str(args.folder),
            "scenario": spec.name,
            "replications": result.replications,
            "seed": result.seed,
            "fit": result.fit,
            "split": result.split,
            "not_scored": {"outside_run": len(result.outside), "unverified": len(result.unverified)},
        }
        print(json.dumps(report.metrics_json(result.metrics, **info), indent=2))
    else:
        fit = f", parameters drawn from the fit {result.fit}" if result.fit else ""
        print(
            f"Score of {args.folder} (scenario {spec.name}, {result.replications} replications, seed {result.seed}"
            f"{fit}) against {args.series}"
        )
        reference = "" if args.no_reference else "; 'no moves': the scenario without its moves, same random numbers"
        print(f"train: years up to {result.split}, test: from {result.split + 1}{reference}")
        print("train mean, persistence: the mean and the last value of each series' training rows")
        if not result.exact_bands:
            print("(from summary.csv: no CRPS, and no 90% band for yearly values; keep trajectories.nc for them)")
        print()
        print(report.metrics_text(result.metrics))
        print(report.headline(result.metrics))
        for note in _notes(result.outside, result.unverified):
            print(note)
        print(result.verdict)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(args.out, stats.csv_bytes(result.metrics))
        if args.format == "text":
            print(f"\nWrote {args.out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from sim.fit import api, report
    from sim.fit.problem import SETTING_KEYS, load_fit_file, parse_param
    from sim.outputs.resumable import Interrupted

    if args.fit is not None:
        ranges, settings = load_fit_file(args.fit)
    else:
        ranges, settings = [parse_param(text) for text in args.param], {}
    settings |= {k: getattr(args, k) for k in SETTING_KEYS if getattr(args, k, None) is not None}
    if args.series_names:
        settings["series"] = tuple(args.series_names)
    problem = api.load_problem(args.scenarios, args.series, ranges, settings)
    name = problem.label
    find = partial(api.find_unfinished, problem=problem)
    out = output_folder(args, f"{name}-calibration", find, f"calibration of '{name}' with these settings")
    try:
        result = api.run_calibration(
            problem,
            out,
            series_file=args.series,
            resume=args.resume,
            force=args.force,
            figures=not args.no_plots,
            progress=watching(args),
            command=getattr(args, "command_line", None),
            workers=args.workers,
            scheduler=args.scheduler,
        )
    except Interrupted as exc:
        print(f"diplosim calibrate: {exc}", file=sys.stderr)
        print(f"continue with: {' '.join(_resume_command(args, out))}", file=sys.stderr)
        return EXIT_TERMINATED if exc.terminated else EXIT_INTERRUPTED
    if args.quiet:
        print(result.out)
        return 0
    s, outcome = problem.settings, result.outcome
    last = outcome.posterior
    print(
        f"Calibrated {len(problem.ranges)} parameter(s) on {problem.label}, years up to {s.split} "
        f"({s.replications} runs per candidate, seed {s.seed}): ABC-SMC, {len(outcome.populations)} populations "
        f"of {s.particles}, {sum(p.proposed for p in outcome.populations)} candidates; stopped: {outcome.stopped}; "
        f"final tolerance {last.epsilon:.4f}, effective sample size {last.ess:.0f}"
    )
    print()
    print(report.parameters_text(api.parameters_table(problem, last)))
    print(f"\nThe posterior scored: {s.predictive} runs per history, one parameter draw each")
    print(report.metrics_text(result.metrics))
    print(report.headline(result.metrics))
    outside = sum(len(t.outside) for t in problem.targets)
    if outside:
        print(f"note: {outside} observation(s) fall outside the histories' runs and are not scored")
    if problem.unverified:
        print(f"note: {problem.unverified} row(s) marked verified = no are kept in the file but not scored")
    print(result.scored.verdict)
    print(f"\nWrote {result.out}/")
    return 0


def _resume_command(args: argparse.Namespace, out: Path) -> list[str]:
    """The command line that continues this calibration."""
    words = list(getattr(args, "command_line", ["diplosim", "calibrate"]))
    words = [w for w in words if w not in ("--resume", "-f", "--force")]
    if args.out is None:
        words += ["--out", str(out)]
    return [*words, "--resume"]
