"""End-to-end figures: each everyday command's wall time beside the in-process simulation it wraps.

    python -m benchmarks.commands            # the commands' table alone (about a minute; --quick: seconds)

Commands run as a user runs them, `python -m sim ...` in a fresh interpreter in a scratch folder (so
`PYTHONPATH` decides which code is measured), best of a few; the ratio to the simulation alone (`sim.run` in
this process, warm) says what the command adds: imports, calibration, tables, files, figures. The calibration
cache is a scratch folder, measured both empty ("cold") and filled ("warm"). The memory row runs
`sim.run(..., replications=R)` in a fresh interpreter and reads its peak resident set size.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.table import Table, at_most, fmt

COMPARED = ("baseline", "dialogue", "us_pressure")


@dataclass(frozen=True)
class Timing:
    """One command: best wall time, the CPU time (user + system, with its children) of that run, exit code."""

    wall: float
    cpu: float
    code: int


def timed(args: Sequence[str], cwd: Path, env: dict[str, str], repeats: int) -> Timing:
    """Run `python -m sim ARGS` `repeats` times (each into a fresh --out folder when given) and keep the fastest."""
    best: Timing | None = None
    for i in range(repeats):
        argv = [a.replace("{i}", str(i)) for a in args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "sim", *argv], cwd=cwd, env=env, capture_output=True, timeout=600)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            return Timing(wall, cpu, done.returncode)
        if best is None or wall < best.wall:
            best = Timing(wall, cpu, 0)
    assert best is not None
    return best


def simulation_seconds(names: Sequence[str], repeats: int, size: dict[str, int]) -> float:
    """Fastest in-process `sim.run` of the scenarios (at `size`, else their own), warm: imports and calibration done."""
    import sim

    for name in names:
        sim.run(name, replications=2)  # imports, calibration, xarray's first use (its own steps: policies start late)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for name in names:
            sim.run(name, **size)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(replications: int, steps: int, env: dict[str, str]) -> tuple[float, float]:
    """Peak RSS (MB) and wall time (s) of `sim.run("baseline", replications=R, steps=T)` in a fresh interpreter."""
    code = (
        "import resource, sys, time, sim\n"
        "start = time.perf_counter()\n"
        f"sim.run('baseline', replications={replications}, steps={steps})\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, time.perf_counter() - start)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    peak, wall = done.stdout.split()
    return int(peak) / 1e6, float(wall)


def commands(
    repeats: int, big_replications: int, steps: int = 120, targets: list[Any] | None = None, quick: bool = False
) -> Table:
    """The section: run, run --no-plots, compare, plot, start-up; then the memory of one big run."""
    scratch = Path(tempfile.mkdtemp(prefix="diplosim-bench-"))
    env = {**os.environ, "DIPLOSIM_CACHE_DIR": str(scratch / "cache")}
    env.pop("DIPLOSIM_CACHE", None)
    small = {"replications": 50, "steps": 24} if quick else {}
    size = [f"--{k}={v}" for k, v in small.items()]
    try:
        sim_run = simulation_seconds(["baseline"], repeats, small)
        sim_compare = simulation_seconds(COMPARED, repeats, small)
        cold = timed(["run", *size, "--out", "cold", "-q"], scratch, env, 1)  # fills the calibration cache
        rows = [
            ("diplosim run, empty calibration cache (a first run)", cold, sim_run),
            ("diplosim run", timed(["run", *size, "--out", "run{i}", "-q"], scratch, env, repeats), sim_run),
        ]
        if not quick:  # the same code path as the row above: the smoke test leaves it out
            no_plots = timed(["run", *size, "--no-plots", "--out", "tables{i}", "-q"], scratch, env, repeats)
            rows.append(("diplosim run --no-plots", no_plots, sim_run))
        rows += [
            (
                f"diplosim compare {' '.join(COMPARED)}",
                timed(["compare", *COMPARED, *size, "--out", "cmp{i}", "-q"], scratch, env, repeats),
                sim_compare,
            ),
            ("diplosim plot (a run folder's four figures)", timed(["plot", "run0"], scratch, env, repeats), None),
            ("diplosim --help", timed(["--help"], scratch, env, repeats), None),
        ]
        peak, big_wall = peak_memory(big_replications, steps, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    t = Table(
        f"5. End-to-end commands (fresh interpreter, wall time best of {repeats})",
        ["command", "wall s", "CPU s", "simulation s", "wall / simulation"],
    )
    for label, timing, simulated in rows:
        status = "" if timing.code == 0 else f" (exit code {timing.code})"
        ratio = f"{fmt(timing.wall / simulated)}x" if simulated else "-"
        t.add(label + status, fmt(timing.wall), fmt(timing.cpu), fmt(simulated) if simulated else "-", ratio)
    big = f"sim.run('baseline', replications={big_replications:,}), fresh interpreter: peak RSS {fmt(peak, 4)} MB"
    t.add(big, fmt(big_wall), "-", "-", "-")
    t.notes = [
        "`diplosim run` is the baseline, 500 replications x 120 months, with its four figures; compare runs three "
        "scenarios at that size with three figures. "
        "'simulation s' is sim.run of the same scenarios in this process with imports and calibration done (the "
        "engine alone); 'CPU s' is user + system time of the command and any workers it forks (figures are drawn "
        "in parallel on 2+ CPUs, so CPU can exceed wall). 'empty calibration cache' is a first run on a machine; "
        "every later command reads the calibration from the cache (sim/diskcache.py).",
        f"Load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs: "
        "other work on the machine lengthens wall times, never shortens them.",
    ]
    if targets is not None:
        wall = {label: timing.wall for label, timing, _ in rows}
        targets.append(at_most("diplosim run (no arguments), wall", wall["diplosim run"], 3.0, "s"))
        compare = f"diplosim compare {' '.join(COMPARED)}"
        targets.append(at_most(f"{compare}, wall", wall[compare], 5.0, "s"))
        targets.append(at_most(f"sim.run 'baseline' {big_replications:,} x {steps}, peak RSS", peak, 2000, "MB", 4))
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.commands", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small runs, one repeat (numbers mean nothing)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per command; the fastest counts (default 3)")
    parser.add_argument("--big", type=int, default=100_000, help="replications of the memory row (default 100,000)")
    args = parser.parse_args(argv)
    table = commands(1 if args.quick else args.repeats, 2000 if args.quick else args.big, quick=args.quick)
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
