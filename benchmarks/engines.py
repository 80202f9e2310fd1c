"""The compiled engine against the numpy engine it replaced (commit 51b1f8c), side by side (issue 19).

    python -m benchmarks.engines                 # about 10 minutes on 2 cores
    python -m benchmarks.engines --quick         # tiny sizes: checks that everything runs, numbers mean nothing
    python -m benchmarks.engines --out FILE.md   # also write the tables as markdown

The numpy engine is `git archive 51b1f8c sim` unpacked into a temporary folder (with this tree's scenarios) and
run in subprocesses with PYTHONPATH pointing at it, in this virtual environment; the compiled engine runs in
subprocesses of this tree. Every measurement alternates the engines, repeats, and keeps each one's fastest, so
that other work on the machine decides no ratio. Engine timings are CPU time of the whole process
(time.process_time: every thread's CPU), the compiled engine on one thread (NUMBA_NUM_THREADS=1) and, for wall
time, on all of them; the commands are wall time, as a user waits for them.
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
    commands: int = 2  # alternations of each command

    @classmethod
    def quick(cls) -> Sizes:
        return cls(replications=(10, 100), steps=6, budget=600, rounds=1, repeats=1, commands=1)


def numpy_engine(folder: Path) -> Path:
    """The numpy engine's package (`git archive 51b1f8c sim`) in `folder`, with this tree's scenarios."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", NUMPY_COMMIT, "sim"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as fh:
        fh.write(archive)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(folder, filter="data")
    (folder / "scenarios").symlink_to(ROOT / "scenarios")
    return folder


def _env(path: Path, threads: int | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    env.pop("NUMBA_NUM_THREADS", None)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    return env


def _time(path: Path, r: int, steps: int, repeats: int, threads: int | None = None) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", TIMER, str(r), str(steps), str(repeats)],
        env=_env(path, threads),
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_step(sz: Sizes, old: Path) -> tuple[Table, dict[int, float]]:
    """CPU per replication-step, numpy engine against compiled engine, alternating."""
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
    return t, ratios


COMMANDS = {
    "calibrate (bundled fit)": [
        "calibrate",
        "scenarios/history/us_pakistan_2001_2018.toml",
        "scenarios/history/observed_opinion.csv",
        "--fit",
        "scenarios/history/fit.toml",
        "--no-plots",
    ],
    "sweep calibration_sobol": ["sweep", "calibration_sobol", "--no-plots"],
}


def _command(path: Path, args: list[str], out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sim", *args, "--out", str(out), "--force"],
        env=_env(path, None),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t0


def commands(sz: Sizes, old: Path, scratch: Path) -> Table:
    """The bundled calibration and the Sobol sweep, wall time, alternating engines."""
    t = Table(
        "B. Commands, wall time on all CPUs (each engine's fastest)",
        ["command", "numpy engine s", "compiled engine s", "speed-up"],
    )
    for label, args in COMMANDS.items():
        if sz.commands < 1:
            break
        best = {"numpy": float("inf"), "compiled": float("inf")}
        for k in range(sz.commands):
            best["numpy"] = min(best["numpy"], _command(old, args, scratch / f"numpy-{k}"))
            best["compiled"] = min(best["compiled"], _command(ROOT, args, scratch / f"compiled-{k}"))
        t.add(label, fmt(best["numpy"]), fmt(best["compiled"]), f"{fmt(best['numpy'] / best['compiled'])}x")
    t.notes.append(
        "`python -m sim ARGS --out DIR --force` in a fresh interpreter, the calibration cache warm (both engines "
        "calibrate the same world); the numpy engine calibrates with one evaluation at a time, the compiled one a "
        "generation (or a chunk of sweep points) as one batched run."
    )
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engines", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (numbers mean nothing)")
    parser.add_argument("--out", type=Path, help="also write the tables as markdown to this file")
    parser.add_argument("--skip-commands", action="store_true", help="only the per-step costs")
    args = parser.parse_args(argv)
    sz = Sizes.quick() if args.quick else Sizes()
    with tempfile.TemporaryDirectory(prefix="diplosim-engines-") as tmp:
        old = numpy_engine(Path(tmp) / "numpy-engine")
        tables = [per_step(sz, old)[0]]
        print(tables[0].markdown() + "\n", flush=True)
        if not args.skip_commands and not args.quick:
            tables.append(commands(sz, old, Path(tmp)))
            print(tables[-1].markdown() + "\n", flush=True)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    footer = f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs."
    print(footer)
    if args.out:
        args.out.write_text("\n\n".join(t.markdown() for t in tables) + f"\n\n{footer}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
