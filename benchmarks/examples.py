"""The committed example results (results/examples/): the commands that make them, to regenerate or to check them.

    python -m benchmarks.examples                 # regenerate every example in place
    python -m benchmarks.examples baseline        # regenerate one
    python -m benchmarks.examples --check         # rerun into a temporary folder and compare the numbers

Each example is one `diplosim` command; its tables (CSV, TOML) must come out byte for byte the same, and its
per-replication chunks the same arrays. The test suite runs `--check` (tests/integration/test_examples.py), so a
change that moves any committed number fails until the examples are regenerated with this script.
The examples' trajectories.nc files (2.7 MB each) are written here but not committed (.gitignore).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "results" / "examples"


@dataclass(frozen=True)
class Example:
    """A result folder under results/examples/ and the command that writes it (`{out}` is its folder)."""

    name: str
    command: tuple[str, ...]
    compared: tuple[str, ...]  # files whose bytes must match (chunks/*.npz are compared as arrays)
    target: Path | None = None  # where it is committed, when not results/examples/<name>

    @property
    def folder(self) -> Path:
        return self.target or EXAMPLES / self.name


EXAMPLE_LIST = (
    Example("baseline", ("run",), ("final.csv", "summary.csv", "alignment.csv", "moves.csv", "events.csv")),
    Example("compare", ("compare", "baseline", "dialogue", "us_pressure"), ("comparison.csv", "comparison_steps.csv")),
    Example("sweep_pressure_intensity", ("sweep", "scenarios/sweeps/pressure_intensity.toml"), ("sweep.csv",)),
    Example("sweep_beta_pressure", ("sweep", "scenarios/sweeps/beta_pressure_grid.toml"), ("sweep.csv", "chunks")),
    Example(
        "sweep_calibration_sobol",
        ("sweep", "scenarios/sweeps/calibration_sobol.toml"),
        ("sweep.csv", "sensitivity.csv"),
    ),
    Example(
        "sweep_beta_pressure/discover/trust_PAK_USA-below-0.1",
        ("discover", "{examples}/sweep_beta_pressure", "--outcome", "PAK->USA", "--below", "0.1"),
        ("box.csv", "boxes.csv"),
    ),
    Example(
        "default_fit",
        (
            "calibrate",
            *(f"scenarios/history/{name}.toml" for name in ("india_pakistan", "us_china", "us_india", "us_pakistan")),
            "scenarios/history/observed.csv",
            "--fit",
            "scenarios/fits/default.toml",
        ),
        ("posterior.csv", "populations.csv", "parameters.csv", "metrics.csv", "points.csv"),
        target=ROOT / "scenarios" / "fits" / "default",
    ),
)
BY_NAME = {e.name: e for e in EXAMPLE_LIST}


def make(example: Example, out: Path, examples: Path = EXAMPLES) -> None:
    """Write `example` into `out` (replacing an earlier result there), from the repository root."""
    base = examples.relative_to(ROOT) if examples.is_relative_to(ROOT) else examples
    words = [w.format(examples=base) for w in example.command]
    extra = ["--workers", "2"] if words[0] == "sweep" else []
    where = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out  # manifests record no machine's paths
    with contextlib.chdir(ROOT):
        code = main([*words, *extra, "--out", str(where), "--force", "-q"])
    if code != 0:
        raise SystemExit(f"{example.name}: diplosim {' '.join(words)} exited with {code}")


def differences(example: Example, made: Path, committed: Path) -> list[str]:
    """The compared files of `example` that differ between two folders (empty when they agree)."""
    found = []
    for name in example.compared:
        if name == "chunks":
            found += [f"chunks/{p.name}" for p in sorted((committed / name).glob("*.npz")) if not _same_chunk(p, made)]
        elif (made / name).read_bytes() != (committed / name).read_bytes():
            found.append(name)
    return found


def _same_chunk(committed: Path, made: Path) -> bool:
    other = made / "chunks" / committed.name
    if not other.is_file():
        return False
    with np.load(committed) as a, np.load(other) as b:
        return sorted(a.files) == sorted(b.files) and all(np.array_equal(a[k], b[k]) for k in a.files)


def check(names: Sequence[str]) -> list[str]:
    """Rerun the examples into a temporary folder; one line per example whose numbers differ."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="diplosim-examples-") as tmp:
        copy = Path(tmp) / "examples"
        for name in names:
            example = BY_NAME[name]
            out = copy / name.replace("/", "-")  # discovery reads the committed sweep, not a copy
            make(example, out)
            changed = differences(example, out, example.folder)
            if changed:
                problems.append(f"{name}: {', '.join(changed)} differ from {example.folder.relative_to(ROOT)}")
    return problems


def main_cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.examples", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"examples (default: all): {', '.join(BY_NAME)}")
    parser.add_argument("--check", action="store_true", help="compare instead of regenerating")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown example {unknown[0]!r}")
    names = args.names or list(BY_NAME)
    if args.check:
        problems = check(names)
        print("\n".join(problems) or f"{len(names)} examples reproduced")
        return 1 if problems else 0
    for name in names:
        target = BY_NAME[name].folder
        make(BY_NAME[name], target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
