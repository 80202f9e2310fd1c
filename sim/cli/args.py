"""What every `diplosim` subcommand shares: the parser class, help text, argument types, common options, exit
codes and one-line messages.

Argument types apply the checks the Python API uses too (sim.util.arguments), so both say the same words. Only
the standard library is imported here: `diplosim --help` answers at once.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from sim.util.arguments import at_least_one, parse_whole, seed_range
from sim.util.errors import one_line

RESULTS_ROOT = Path("results")
EXIT_IO, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 2, 130, 143  # 0: ok
EXIT_CODES = (
    "exit codes: 0 ok, 1 a file could not be read or written (or an internal error; the report's file is named), "
    "2 bad input (nothing written), 130 interrupted, 143 terminated."
)


class UsageError(Exception):
    """A command line argparse rejects (unknown option, missing argument, bad number)."""


class Parser(argparse.ArgumentParser):
    """argparse, but errors become one line (`main` prints it) instead of usage text plus exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


def help_text(text: str) -> dict[str, Any]:
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


def checked(*checks: Callable[[Any], Any]) -> Callable[[str], Any]:
    """An argparse type applying the checks the Python API also uses (sim.util.arguments), so both say the same."""

    def convert(text: str) -> Any:
        value: Any = text
        try:
            for check in checks:
                value = check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return convert


def fraction(text: str) -> float:
    """A finite number."""
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


count = checked(parse_whole, at_least_one)
seed = checked(parse_whole, seed_range)
month = checked(lambda text: parse_whole(text, " of months"), _not_negative)


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by run and compare: run length, seed, output folder."""
    p.add_argument("-r", "--replications", type=count, metavar="N", help="replications (default: the scenario's)")
    p.add_argument("-t", "--steps", type=count, metavar="T", help="months to simulate (default: the scenario's)")
    p.add_argument("-s", "--seed", type=seed, metavar="S", help="random seed (default: the scenario's)")
    p.add_argument("-o", "--out", type=Path, metavar="DIR", help="output folder (default: results/<name>/<time>)")
    p.add_argument("-f", "--force", action="store_true", help="replace DIR if it holds an earlier result")
    p.add_argument("--no-plots", action="store_true", help="write the tables only, no figures (faster)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the output folder (for scripts)")


def output_folder(args: argparse.Namespace, name: str, find: Callable[[Path], Path | None], what: str) -> Path:
    """Where long resumable work writes: --out; with --resume and no --out, the newest unfinished `what` under
    results/<name> (found by `find`); otherwise a new timestamped folder there."""
    from sim.outputs.folder import default_dir
    from sim.util.errors import ConfigError

    root = RESULTS_ROOT / name
    if args.out is None and args.resume:
        out = find(root)
        if out is None:
            raise ConfigError(
                f"no unfinished {what} under {root}",
                hint=f"give --out DIR of the interrupted {what.split()[0]}, or run without --resume",
            )
        return out
    return args.out or default_dir(RESULTS_ROOT, name)


# ---------------------------------------------------------------------------------------------------------------
# Output


def watching(args: argparse.Namespace) -> bool:
    """A progress bar only for people watching (stderr is a terminal), never in --quiet mode."""
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


def error(message: str) -> None:
    """Print a message on stderr as exactly one line."""
    print(one_line(message), file=sys.stderr)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
