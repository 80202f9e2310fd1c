"""The compiled engine against the numpy engine it replaced (commit 51b1f8c), side by side (issue 19).

    python -m benchmarks.engines                 # about 15 minutes on 2 cores
    python -m benchmarks.engines --quick         # tiny sizes: checks that everything runs, numbers mean nothing
    python -m benchmarks.engines --out FILE.md   # also write the tables as markdown

The numpy engine is `git archive 51b1f8c sim scenarios` unpacked into a temporary folder and run in subprocesses
with PYTHONPATH and the working folder pointing at it, in this virtual environment: it runs its own scenario files
(the baseline and the Sobol sweep are the same there; today's world file only adds a `present` date the old schema
refuses). The compiled engine runs in subprocesses of this tree. Every measurement alternates the engines, repeats,
and keeps each one's fastest, so that other work on the machine decides no ratio. Engine timings are CPU time of
the whole process (time.process_time: every thread's CPU), the compiled engine on one thread (NUMBA_NUM_THREADS=1)
and, for wall time, on all of them; the commands are wall time, as a user waits for them.

The numpy engine cannot run today's calibration (ABC-SMC over four rule-built histories, issue 17), so the
calibration is compared on the work a calibration does, which both engines can run: a population of candidate
parameter vectors, each simulated for K replications over the whole retired US-Pakistan replay (208 months,
tests/data/us_pakistan_2001_2018.toml, the numpy commit's own copy for the numpy engine) and reduced to the mean
trust by month. The numpy engine runs one candidate at a time (`sim.run(..., alpha=...)`, what its calibrate did);
the compiled engine runs the same candidates one at a time and as one batched run (sim.fit.problem.simulate_block,
what today's calibrate does for each history).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/engines.py` as well as `python -m benchmarks.engines`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.table import Table, fmt

ROOT = Path(__file__).resolve().parent.parent
NUMPY_COMMIT = "51b1f8c"

#: Times `DiplomacyModel(...).run()` in a fresh interpreter; the same code for both engines (their public API).
TIMER = """
import json, sys, time
import sim
r, steps, repeats = (int(a) for a in sys.argv[1:4])
sim.DiplomacyModel("baseline", replications=min(r, 200), rng=1, steps=2, record=False).run()  # imports, compile
best = {"cpu": float("inf"), "wall": float("inf")}
for _ in range(repeats):
    model = sim.DiplomacyModel("baseline", replications=r, rng=1, steps=steps, record=False)
    cpu, wall = time.process_time(), time.perf_counter()
    model.run()
    best = {"cpu": min(best["cpu"], time.process_time() - cpu), "wall": min(best["wall"], time.perf_counter() - wall)}
    del model
print(json.dumps(best))
"""


@dataclass(frozen=True)
class Sizes:
    replications: tuple[int, ...] = (100, 1000, 10_000, 100_000)
    steps: int = 120
    budget: int = 1_200_000  # replication-steps per case at most (fewer steps for 100,000 replications)
    rounds: int = 3  # alternations of the engines
    repeats: int = 2  # runs per subprocess
    populations: tuple[tuple[int, int], ...] = ((100, 8), (18, 100))  # candidates x replications (table B)
    commands: int = 2  # alternations of each command
    calibrations: int = 1  # runs of today's bundled calibration (about 2 minutes each)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(replications=(10, 100), steps=6, budget=600, rounds=1, repeats=1, populations=((3, 2),))


def numpy_engine(folder: Path) -> Path:
    """The numpy engine's package and scenario files (`git archive 51b1f8c sim scenarios`) in `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", NUMPY_COMMIT, "sim", "scenarios"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as fh:
        fh.write(archive)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(folder, filter="data")
    return folder


def _env(path: Path, threads: int | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    env.pop("NUMBA_NUM_THREADS", None)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    return env


def _timed(path: Path, code: str, *args: object, threads: int | None = None) -> dict[str, Any]:
    """Run a timing script in a fresh interpreter of the engine at `path`; the JSON its last line prints."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        env=_env(path, threads),
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time(path: Path, r: int, steps: int, repeats: int, threads: int | None = None) -> dict[str, float]:
    return _timed(path, TIMER, r, steps, repeats, threads=threads)


def per_step(sz: Sizes, old: Path, found: dict[str, Any]) -> Table:
    """CPU per replication-step, numpy engine against compiled engine, alternating; into `found`: the CPU ratio
    and the compiled engine's µs by replication count."""
    t = Table(
        "A. Cost per replication-step, baseline, record=False (CPU: every thread of the process)",
        [
            "replications",
            "steps",
            "numpy engine µs",
            "compiled, 1 thread µs",
            "CPU ratio",
            "compiled, all threads: wall µs",
            "wall ratio",
        ],
    )
    ratios: dict[int, float] = {}
    compiled: dict[int, float] = {}
    for r in sz.replications:
        steps = int(min(sz.steps, max(min(12, sz.steps), sz.budget // r)))
        best = {"numpy": float("inf"), "one": float("inf"), "wall_numpy": float("inf"), "wall_all": float("inf")}
        for _ in range(sz.rounds):
            numpy_run = _time(old, r, steps, sz.repeats)
            one = _time(ROOT, r, steps, sz.repeats, threads=1)
            every = _time(ROOT, r, steps, sz.repeats)
            best["numpy"] = min(best["numpy"], numpy_run["cpu"])
            best["wall_numpy"] = min(best["wall_numpy"], numpy_run["wall"])
            best["one"] = min(best["one"], one["cpu"])
            best["wall_all"] = min(best["wall_all"], every["wall"])
        per = r * steps / 1e6
        ratios[r] = best["numpy"] / best["one"]
        compiled[r] = best["one"] / per
        t.add(
            f"{r:,}",
            steps,
            fmt(best["numpy"] / per),
            fmt(best["one"] / per),
            f"{fmt(ratios[r])}x",
            fmt(best["wall_all"] / per),
            f"{fmt(best['wall_numpy'] / best['wall_all'])}x",
        )
    t.notes.append(
        f"Each cell is the fastest of {sz.rounds} alternations x {sz.repeats} runs, in fresh interpreters, after a "
        "warm-up run (imports, calibration, compiled code loaded). 'wall ratio': numpy engine's wall time over the "
        f"compiled engine's on all {os.cpu_count()} CPUs (NUMBA_NUM_THREADS unset)."
    )
    found.update(cpu_ratio=ratios, compiled_us=compiled)
    return t


#: A calibration's work in a fresh interpreter: N candidates (uniform in the bundled fit's ranges, fixed seed), each
#: K replications of the whole replay, reduced to mean trust by month. `each`: one `sim.run` per candidate (both
#: engines' public API); `batched`: the candidates as one run (today's sim.fit.problem.simulate_block).
POPULATION = """
import json, sys, time
import numpy as np
import sim
path, mode, n, k, repeats = sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:6])
ranges = {"alpha": (0.02, 0.6), "level_gain": (0.0, 60.0), "level_range": (0.1, 2.0), "half_life": (6.0, 120.0)}
rng = np.random.default_rng(0)
xs = np.column_stack([rng.uniform(lo, hi, n) for lo, hi in ranges.values()])
names = list(ranges)
if mode == "batched":
    from sim.fit.problem import simulate_block
    from sim.scenario.load import load_scenario
    spec = load_scenario(path)
    evaluate = lambda block: [t.mean("replication").values for t in simulate_block(spec, names, block, k)]
else:
    evaluate = lambda block: [
        sim.run(path, replications=k, **dict(zip(names, map(float, x)))).trust.mean("replication").values
        for x in block
    ]
evaluate(xs[:2])  # imports, the calibration probe (cached), compiled code loaded
best = {"cpu": float("inf"), "wall": float("inf")}
for _ in range(repeats):
    cpu, wall = time.process_time(), time.perf_counter()
    means = evaluate(xs)
    best = {"cpu": min(best["cpu"], time.process_time() - cpu), "wall": min(best["wall"], time.perf_counter() - wall)}
print(json.dumps({**best, "check": float(np.nanmean([m[-1] for m in means]))}))
"""
REPLAY = {"numpy": "scenarios/history/us_pakistan_2001_2018.toml", "compiled": "tests/data/us_pakistan_2001_2018.toml"}
REPLAY_MONTHS = 208


def _population(path: Path, replay: str, mode: str, n: int, k: int, repeats: int, threads: int | None = None):
    return _timed(path, POPULATION, replay, mode, n, k, repeats, threads=threads)


def population(sz: Sizes, old: Path, found: dict[str, Any]) -> Table:
    """A calibration's work, N candidates x K replications x 208 months: numpy engine one candidate at a time,
    compiled engine one at a time and batched, alternating; into `found`: the wall ratio by population."""
    t = Table(
        "B. A calibration's work: N candidates x K replications of the 208-month replay, mean trust by month",
        [
            "candidates x replications",
            "numpy engine, each: CPU s",
            "compiled, each, 1 thread: CPU s",
            "compiled, batched, 1 thread: CPU s",
            "CPU ratio (batched)",
            "numpy wall s",
            "compiled, batched, all threads: wall s",
            "wall ratio",
        ],
    )
    for n, k in sz.populations:
        best: dict[str, float] = {}
        checks: dict[str, float] = {}
        for _ in range(sz.rounds):
            runs = {
                "numpy": _population(old, REPLAY["numpy"], "each", n, k, sz.repeats),
                "each": _population(ROOT, REPLAY["compiled"], "each", n, k, sz.repeats, threads=1),
                "one": _population(ROOT, REPLAY["compiled"], "batched", n, k, sz.repeats, threads=1),
                "all": _population(ROOT, REPLAY["compiled"], "batched", n, k, sz.repeats),
            }
            for key, got in runs.items():
                checks[key] = got["check"]
                best[f"{key} cpu"] = min(best.get(f"{key} cpu", float("inf")), got["cpu"])
                best[f"{key} wall"] = min(best.get(f"{key} wall", float("inf")), got["wall"])
        assert checks["each"] == checks["one"] == checks["all"], checks  # batching changes no number
        found.setdefault("population_wall", {})[(n, k)] = best["numpy wall"] / best["all wall"]
        t.add(
            f"{n} x {k}",
            fmt(best["numpy cpu"]),
            fmt(best["each cpu"]),
            fmt(best["one cpu"]),
            f"{fmt(best['numpy cpu'] / best['one cpu'])}x",
            fmt(best["numpy wall"]),
            fmt(best["all wall"]),
            f"{fmt(best['numpy wall'] / best['all wall'])}x",
        )
    t.notes.append(
        "Candidates are uniform in the ranges of scenarios/fits/default.toml (alpha, level_gain, level_range, "
        "half_life; seed 0); each is K replications (indices 0..K-1, common random numbers) of the retired "
        f"US-Pakistan replay ({REPLAY_MONTHS} months; tests/data/us_pakistan_2001_2018.toml, the numpy engine its own "
        "copy of 51b1f8c), reduced to mean trust by month. 'each' is one `sim.run(replay, replications=K, "
        "alpha=...)` per candidate, as the numpy engine's calibrate evaluated them; 'batched' is all candidates as "
        "one run (sim.fit.problem.simulate_block, what today's calibrate does per history and generation); the "
        "compiled runs give identical means each way. 100 x 8 is a generation of the bundled fit on one history; "
        "18 x 100 a generation of the numpy engine's differential evolution (popsize 6 x 3 parameters, 100 "
        f"replications). Fastest of {sz.rounds} alternations x {sz.repeats} runs after a warm-up."
    )
    return t


COMMANDS = {
    "sweep calibration_sobol": ["sweep", "calibration_sobol", "--no-plots"],
}
#: Today's bundled calibration (issue 17), which the numpy engine cannot run: timed for the compiled engine alone.
CALIBRATE = [
    "calibrate",
    "scenarios/history/india_pakistan.toml",
    "scenarios/history/us_china.toml",
    "scenarios/history/us_india.toml",
    "scenarios/history/us_pakistan.toml",
    "scenarios/history/observed.csv",
    "--fit",
    "scenarios/fits/default.toml",
    "--no-plots",
]


def _command(path: Path, args: list[str], out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sim", *args, "--out", str(out), "--force"],
        env=_env(path, None),
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t0


def commands(sz: Sizes, old: Path, scratch: Path, found: dict[str, Any]) -> Table:
    """The Sobol sweep, wall time, alternating engines; today's bundled calibration on the compiled engine; into
    `found`: the sweep's speed-up and the calibration's seconds."""
    t = Table(
        "C. Commands, wall time on all CPUs (each engine's fastest)",
        ["command", "numpy engine s", "compiled engine s", "speed-up"],
    )
    for label, args in COMMANDS.items():
        best = {"numpy": float("inf"), "compiled": float("inf")}
        for k in range(sz.commands):
            best["numpy"] = min(best["numpy"], _command(old, args, scratch / f"numpy-{k}"))
            best["compiled"] = min(best["compiled"], _command(ROOT, args, scratch / f"compiled-{k}"))
        t.add(label, fmt(best["numpy"]), fmt(best["compiled"]), f"{fmt(best['numpy'] / best['compiled'])}x")
        found[label] = best["numpy"] / best["compiled"]
    calibrate = min(_command(ROOT, CALIBRATE, scratch / f"calibrate-{k}") for k in range(sz.calibrations))
    t.add("calibrate (bundled fit, scenarios/fits/default.toml)", "cannot run it", fmt(calibrate), "-")
    found["calibrate_s"] = calibrate
    t.notes.append(
        "`python -m sim ARGS --out DIR --force` in a fresh interpreter, the calibration cache warm; the numpy "
        "engine runs the sweep one point at a time per worker, the compiled one a chunk of points as one batched "
        "run. The bundled calibration (ABC-SMC over the four rule-built histories, issue 17) needs today's code: "
        f"it is timed on the compiled engine alone (fastest of {sz.calibrations}); table B compares its work."
    )
    return t


def targets(found: dict[str, Any]) -> Table:
    """Issue 19's measured targets, met or missed, from this run's tables."""
    t = Table("Targets (issue 19), from the tables below", ["target", "measured", "limit", "status"])

    def add(name: str, measured: float | None, text: str, limit: str, met: bool | None, short: str) -> None:
        status = "not measured" if measured is None else ("met" if met else f"missed: {short}")
        t.add(name, text if measured is not None else "-", limit, status)

    ratio = found.get("cpu_ratio", {}).get(1000)
    add("less CPU per replication-step at 1,000 x 120 (table A)", ratio, f"{fmt(ratio or 0)}x", ">= 3x",
        ratio is not None and ratio >= 3, f"{fmt(3 / (ratio or 1))}x short")  # fmt: skip
    us = found.get("compiled_us", {})
    spread = max(us.values()) / min(us.values()) if len(us) > 1 else None
    counts = f"{min(us):,} to {max(us):,}" if us else ""
    add(f"flat cost per replication-step, {counts} replications (table A)", spread,
        f"{fmt(spread or 0)}x (slowest over fastest)", "<= 1.25x", spread is not None and spread <= 1.25,
        f"{fmt(spread or 0)}x")  # fmt: skip
    for (n, k), wall in found.get("population_wall", {}).items():
        add(f"a calibration's work, {n} x {k}, wall (table B)", wall, f"{fmt(wall)}x", ">= 4x", wall >= 4,
            f"{fmt(4 / wall)}x short")  # fmt: skip
    sweep = found.get("sweep calibration_sobol")
    add("sweep calibration_sobol, wall (table C)", sweep, f"{fmt(sweep or 0)}x", ">= 4x",
        sweep is not None and sweep >= 4, f"{fmt(4 / (sweep or 1))}x short")  # fmt: skip
    t.notes.append(
        "Ratios are the numpy engine's time over the compiled engine's, side by side. `diplosim run` < 3 s and "
        "`--help` < 0.3 s are targets of `python -m benchmarks.run` (its own table)."
    )
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engines", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (numbers mean nothing)")
    parser.add_argument("--out", type=Path, help="also write the tables as markdown to this file")
    parser.add_argument("--only-steps", action="store_true", help="only the per-step costs (table A)")
    args = parser.parse_args(argv)
    sz = Sizes.quick() if args.quick else Sizes()
    with tempfile.TemporaryDirectory(prefix="diplosim-engines-") as tmp:
        old = numpy_engine(Path(tmp) / "numpy-engine")
        found: dict[str, Any] = {}
        tables = [per_step(sz, old, found)]
        print(tables[0].markdown() + "\n", flush=True)
        if not args.only_steps:
            tables.append(population(sz, old, found))
            print(tables[-1].markdown() + "\n", flush=True)
        if not args.only_steps and not args.quick:
            tables.append(commands(sz, old, Path(tmp), found))
            print(tables[-1].markdown() + "\n", flush=True)
        tables.insert(0, targets(found))
        print(tables[0].markdown() + "\n", flush=True)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    footer = f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs."
    print(footer)
    if args.out:
        args.out.write_text("\n\n".join(t.markdown() for t in tables) + f"\n\n{footer}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
