"""The `diplosim` command: parse, dispatch to a subcommand's handler, and turn every failure into one line.

Each subcommand lives in a module of this package with an `add_parsers(sub)` that registers it and sets its
`handler`. `main` is the one place that turns bad input into exit code 2 (one line on stderr, no traceback),
Ctrl-C into 130, SIGTERM into 143, an unreadable or unwritable file into 1, and anything unforeseen into 1 with
one line naming a saved crash report. Only the standard library is imported at start-up: numpy, pandas, xarray,
matplotlib and mesa are imported inside the handlers that need them, so `diplosim --help`, `list`, `show` and
`validate` answer at once.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import signal
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sim.cli import app, authoring, cache, discover, explain, files, fit, plot, report, run, sweep
from sim.cli.args import EXIT_BAD_INPUT, EXIT_CODES, EXIT_INTERRUPTED, EXIT_IO, EXIT_TERMINATED, Parser, UsageError
from sim.cli.args import error as print_error
from sim.util.crash import crash_report, exception_line
from sim.util.errors import ConfigError, error_line
from sim.util.interrupts import Terminated, clear_stop, quiet_unraisable, raise_interrupted, raise_terminated
from sim.util.version import __version__

COMMANDS: tuple[Callable[[Any], None], ...] = (
    run.add_parsers,  # run, compare
    explain.add_parsers,
    files.add_parsers,  # validate, list, show
    authoring.add_parsers,  # moves, new
    plot.add_parsers,
    cache.add_parsers,
    sweep.add_parsers,
    fit.add_parsers,  # calibrate, score
    discover.add_parsers,
    report.add_parsers,
    app.add_parsers,
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
        """)
        + "\n"
        + textwrap.fill(EXIT_CODES, 110),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"diplosim {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for add in COMMANDS:
        add(sub)
    return parser


def console() -> NoReturn:
    """The `diplosim` console script and `python -m sim`: `main`, then exit. Every object still alive is frozen
    first (gc.freeze), so that the interpreter's last collection skips the million or so objects a command
    imported, which the operating system frees at once anyway: 0.3 s of a `diplosim run`."""
    code = main()
    gc.freeze()
    sys.exit(code)


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
        print_error(str(exc))
        return EXIT_BAD_INPUT
    except ConfigError as exc:
        print_error(error_line(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print_error(f"diplosim: {stopped}; unfinished output was removed")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away, e.g. `diplosim show baseline | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush stays quiet
        return EXIT_IO
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        full = "; free some space and run it again" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        print_error(f"diplosim: error: {where}{exc.strerror or exc}{full}")
        return EXIT_IO
    except MemoryError:
        print_error("diplosim: error: out of memory (hint: fewer replications, steps or points)")
        return EXIT_IO
    except Exception as exc:  # a bug or an unforeseen failure: one line and a saved report, never a traceback
        saved = crash_report(exc, ["diplosim", *argv])
        where = f"the full report is in {saved}" if saved else "the report could not be saved"
        print_error(f"diplosim: internal error: {exception_line(exc)}; {where} (please report it)")
        return EXIT_IO
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        sys.unraisablehook = previous_hook
        clear_stop()
