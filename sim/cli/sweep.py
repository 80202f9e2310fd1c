"""`diplosim sweep FILE`: run a parameter sweep and write its tables, figures and manifest.

Registered by sim.cli.main through `add_parsers`. Only argparse is imported here; the numerical stack loads when the
command runs, so `diplosim --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from sim.cli.args import EXIT_INTERRUPTED, EXIT_IO, EXIT_TERMINATED, output_folder

EPILOG = """\
examples:
  diplosim sweep pressure_intensity                          # a bundled sweep, by name (see `diplosim list`)
  diplosim sweep scenarios/sweeps/pressure_intensity.toml
  diplosim sweep scenarios/sweeps/calibration_sobol.toml --workers 2 --out results/sobol
  diplosim sweep scenarios/sweeps/calibration_sobol.toml --resume --out results/sobol
  diplosim sweep scenarios/sweeps/beta_blocs.toml --scheduler tcp://10.0.0.5:8786

exit status: 0 done, 1 some points failed (listed; see failures.csv) or a file could not be written (say, a
full disk: finished chunks kept), 2 bad input (nothing written), 130 interrupted, 143 terminated (finished
chunks kept; continue with --resume)
"""


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register the `sweep` subcommand."""
    p = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep or sensitivity analysis",
        description="Run a sweep file (scenarios/sweeps/*.toml): every point of its design over its replications,\n"
        "locally or on a Dask cluster. Writes sweep.csv (one row per point: its parameters, each outcome's mean\n"
        "and 5-95% band), sensitivity.csv (Sobol/Morris), figures, sweep.toml and scenario.toml (resolved),\n"
        "manifest.json and chunks/ (per-replication outcomes). The folder appears only when complete. Prints, per\n"
        "outcome, the points with the lowest and highest median, and for Sobol/Morris the most influential parameters.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="SWEEP", help="a sweep file (TOML) or a bundled sweep's name")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: the cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep: run only missing chunks")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="output folder (default: results/<sweep>/<time>)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing output folder or unfinished sweep")
    p.add_argument("--no-plots", action="store_true", help="write the tables only, no figures")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder (for scripts)")
    p.set_defaults(handler=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    """Run the sweep and print where the results are. Bad input raises ConfigError (the CLI prints it and exits
    with 2); an interruption or a failed write prints one line saying how to resume."""
    from sim.sweep import workers

    if args.scheduler is None and workers.local(args.workers) > 1:  # a pool: its server loads the engine meanwhile
        workers.start()
    from sim.sweep import api
    from sim.sweep.catalogue import sweep_path
    from sim.sweep.spec import load_sweep

    sweep = load_sweep(sweep_path(args.file))
    find = partial(api.find_unfinished, sweep=sweep)
    out = output_folder(args, sweep.name, find, f"run of sweep '{sweep.name}'")
    try:
        result = api.run(
            sweep,
            out=out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            force=args.force,
            progress=not args.quiet,
            figures=not args.no_plots,
            command=getattr(args, "command_line", None),
        )
    except api.Interrupted as exc:
        resume = f"continue with: diplosim sweep {args.file} --resume --out {out}"
        if exc.cause is not None:
            print(f"diplosim sweep: error: {exc}; free some space and {resume}", file=sys.stderr)
            return EXIT_IO
        print(f"diplosim sweep: {exc}; {resume}", file=sys.stderr)
        return EXIT_TERMINATED if exc.terminated else EXIT_INTERRUPTED
    return _print_result(args, sweep, result)


def _print_result(args: argparse.Namespace, sweep: Any, result: Any) -> int:
    """Print the folder (and, unless --quiet, what ran and the outcomes); 1 if any point failed, naming them."""
    from sim.sweep.analyze import failure_lines

    points, reps = len(sweep.points), sweep.replications
    if args.quiet:
        print(result.out)
    else:
        print(
            f"sweep '{sweep.name}': {points} points x {reps} replications ({points * reps:,} runs) "
            f"in {result.seconds:.1f} s on {result.executor} -> {result.out}\n"
        )
        print(result.text())
    if not result.ok:
        print(f"diplosim sweep: {len(result.failures)} of {points} points failed:", file=sys.stderr)
        for line in failure_lines(result.failures):
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0
