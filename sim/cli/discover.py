"""`diplosim discover`: the parameter ranges of a sweep that lead to an outcome above or below a threshold."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.args import fraction, help_text


def add_parsers(sub: Any) -> None:
    """Register `discover`."""
    _add_discover(sub)


def _add_discover(sub: Any) -> None:
    p = sub.add_parser(
        "discover",
        **help_text("""
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
    side.add_argument("--above", type=fraction, metavar="X", help="cases of interest: outcome above X")
    side.add_argument("--below", type=fraction, metavar="X", help="cases of interest: outcome below X")
    p.add_argument("--cases", choices=("runs", "points"), default="runs", help="what a case is (default: runs)")
    p.add_argument(
        "--min-coverage", type=fraction, default=0.5, metavar="C", help="share of cases of interest the box keeps"
    )
    p.add_argument("--format", choices=("png", "pdf", "svg"), default="png", help="image format (default: png)")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="default: SWEEP_DIR/discover/<outcome>-<side>-<X>")
    p.add_argument("-f", "--force", action="store_true", help="replace DIR if it holds an earlier result")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder (for scripts)")
    p.set_defaults(handler=_discover)


def _discover(args: argparse.Namespace) -> int:
    from sim.discovery import prim
    from sim.outputs.folder import result_folder

    side, threshold = ("above", args.above) if args.above is not None else ("below", args.below)
    found = prim.discover(
        args.folder,
        args.outcome,
        above=args.above,
        below=args.below,
        cases_from=args.cases,
        min_coverage=args.min_coverage,
    )
    out = args.out or args.folder / "discover" / f"{found.outcome}-{side}-{threshold:g}"
    fields = {"sweep": found.sweep, "folder": str(args.folder), "outcome": found.outcome, side: threshold}
    fields |= {"cases": args.cases, "min_coverage": args.min_coverage, "box": found.chosen}
    with result_folder(out, force=args.force, command=args.command_line, fields=fields) as writing:
        writing.files += prim.write_boxes(found, writing.path, args.format)
    print(out if args.quiet else f"{found.text()}\n\nWrote {out}/")
    return 0
