"""`diplosim plot`: redraw the figures of a run, comparison or sweep folder from its tables."""

from __future__ import annotations

import argparse
import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.cli.args import help_text, month
from sim.util.errors import ConfigError


def add_parsers(sub: Any) -> None:
    """Register `plot`."""
    _add_plot(sub)


def _add_plot(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        **help_text("""
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
        type=month,
        nargs="+",
        metavar="MONTH",
        help="months shown in the network figure (default: first, middle, last)",
    )
    p.set_defaults(handler=_plot)


def _plot(args: argparse.Namespace) -> int:
    from sim.outputs.read import is_comparison, read_manifest

    folder = args.folder
    if not folder.is_dir():
        raise ConfigError("no such folder", file=folder, hint="give a folder written by run, compare or sweep")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise ConfigError("exists and is not a folder", file=args.out, hint="choose another --out")
    meta = read_manifest(folder)
    from sim.outputs import figures
    from sim.sweep import figures as sweep_figures

    comparison, sweep = is_comparison(folder), sweep_figures.is_sweep_folder(folder)
    if args.network_steps and (comparison or sweep):
        raise ConfigError("--network-steps applies to a run folder, not a comparison or sweep", file=folder)
    target = args.out or (folder if sweep else folder / "plots")
    with _removed_on_failure(target):
        if sweep:
            files = sweep_figures.plot_sweep(folder, meta, args.format, args.out)
        elif comparison:
            files = figures.plot_comparison(folder, meta, args.format, args.out)
        else:
            files = figures.plot_run(folder, meta, args.format, args.network_steps, args.out)
    for path in files:
        print(path)
    return 0


@contextlib.contextmanager
def _removed_on_failure(target: Path) -> Iterator[None]:
    """If drawing fails (a full disk, Ctrl-C), remove the folders it created for the figures, with what it drew
    there; folders that existed before keep what they had (each figure is replaced atomically)."""
    created = [p for p in (target, *target.parents) if not p.exists()]
    try:
        yield
    except BaseException:
        if created:
            shutil.rmtree(created[-1], ignore_errors=True)
        raise
