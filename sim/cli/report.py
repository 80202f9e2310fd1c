"""`diplosim report`: one self-contained HTML page for a run, comparison or sweep folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.args import help_text


def add_parsers(sub: Any) -> None:
    """Register `report`."""
    _add_report(sub)


def _add_report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        **help_text("""
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


def _report(args: argparse.Namespace) -> int:
    from sim.report import page

    print(page.write_report(args.folder, args.out, args.force))
    return 0
