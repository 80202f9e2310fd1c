"""diplosim benchmarks: throughput against mesa.batch_run, scaling, a sweep, start-up, end-to-end commands.

    python -m benchmarks.run                 # the full run (a few minutes on 2 cores)
    python -m benchmarks.run --quick         # tiny sizes: checks that everything runs, numbers mean nothing
    python -m benchmarks.run --out FILE.md   # also write the tables as markdown

Every comparison is made side by side in this one process and reported as a ratio, so that a noisy machine
does not decide it. Targets (issues 5 and 10) are reported as met or missed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

if __package__ in (None, ""):  # `python benchmarks/run.py` as well as `python -m benchmarks.run`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.actors import with_extra_actors
from benchmarks.commands import commands
from benchmarks.memory import PeakRSS
from benchmarks.sweep import subsystem_available
from benchmarks.table import Table, Target, at_most, fmt

ROOT = Path(__file__).resolve().parent.parent
SEED = 1


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark is; `quick()` shrinks everything for the smoke test."""

    steps: int = 120
    mesa_runs: int = 150
    batched_runs: int = 2000
    target_replications: int = 1000
    repeats: int = 3
    replications: tuple[int, ...] = (1, 10, 100, 1000, 10_000, 100_000)
    record_limit: int = 10_000  # above this, record=False (memory); below, both are timed
    rep_steps_budget: int = 1_200_000  # replication-steps per scaling case (fewer steps for huge R)
    actors: tuple[int, ...] = (4, 8, 16, 32, 64)
    actor_replications: int = 1000
    actor_steps: int = 6
    actor_warmup: int = 2
    calibration_max_actors: int = 32
    sweep_runs: int = 10_000
    sweep_workers: int = 2
    startup_repeats: int = 5
    command_repeats: int = 3
    small_commands: bool = False  # run and compare 50 replications x 24 months instead of the scenarios' own
    big_replications: int = 100_000  # the memory target: sim.run of this many replications x `steps`

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            steps=12,
            mesa_runs=3,
            batched_runs=30,
            target_replications=50,
            repeats=1,
            replications=(1, 10, 100),
            record_limit=10,
            rep_steps_budget=1200,
            actors=(4, 6),
            actor_replications=20,
            actor_steps=2,
            actor_warmup=1,
            calibration_max_actors=6,
            sweep_runs=80,
            startup_repeats=1,
            command_repeats=1,
            small_commands=True,
            big_replications=2000,
        )


# ---------------------------------------------------------------------------------------------------------------
# Helpers


class Clock:
    """Wall and CPU (process) time of a block."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def growth_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Slope of log(time) against log(size): time ~ size ** slope."""
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def _without_calibration(config: Any, sets: Any, world: Any = None) -> Any:
    """Stand-in for sim.core.prepare.anchors_for_each in step timings: L0 = initial log-odds, no expected flows
    (cost-neutral)."""
    from sim.core.anchors import Anchors
    from sim.core.world import compile_world

    l_init = (world if world is not None else compile_world(config)).l_init
    return [Anchors(baseline=l_init.copy(), expected=np.zeros((3, *l_init.shape))) for _ in sets]


# ---------------------------------------------------------------------------------------------------------------
# 0. Machine facts


def machine_facts(argv: Sequence[str]) -> Table:
    import mesa

    cpu_model = ""
    try:
        cpu_model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu_model = platform.processor()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    blas = ""
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{cfg.get('name', '')} {cfg.get('version', '')}".strip()
    except Exception:  # the layout of show_config differs between numpy versions
        blas = "unknown"
    env = ", ".join(
        f"{k}={os.environ[k]}"
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
        if k in os.environ
    )
    t = Table("Machine", ["fact", "value"])
    t.add("command", "python -m benchmarks.run " + shlex.join(argv))
    t.add("date (UTC)", time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    t.add("git commit", commit or "unknown")
    t.add("CPU", f"{cpu_model} ({os.cpu_count()} logical, {usable} usable)")
    t.add("OS", f"{platform.system()} {platform.release()}")
    t.add("Python", platform.python_version())
    t.add("numpy / BLAS", f"{np.__version__} / {blas}")
    t.add("mesa", mesa.__version__)
    t.add("BLAS/thread environment", env or "none set (OPENBLAS_CORETYPE unset)")
    dask = importlib.util.find_spec("dask") is not None
    t.add("dask installed", "yes: xarray then imports dask.array in every command" if dask else "no (pip install -e .)")
    t.add("load average at start (1, 5, 15 min)", load_average())
    return t


def load_average() -> str:
    """The 1, 5 and 15-minute load averages: other work on the machine makes every timing noisier."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


# ---------------------------------------------------------------------------------------------------------------
# 1. Throughput against mesa.batch_run


def calibration_cost() -> tuple[float, float]:
    """One-off cost of the baseline's calibration (cold) and of the cached call (warm), in seconds."""
    import sim.core.model  # noqa: F401  (the calibration imports the engine lazily; keep that import out of the timing)
    from sim.core.calibration import anchors_for, status_quo_moments
    from sim.scenario.load import load_scenario

    spec = load_scenario("baseline")
    status_quo_moments.cache_clear()
    with Clock() as cold:
        anchors_for(spec)
    with Clock() as warm:
        anchors_for(spec)
    return cold.wall, warm.wall


def throughput(sz: Sizes, targets: list[Target]) -> Table:
    import mesa

    import sim
    import sim.runs.results  # xarray and pandas: a one-off import, kept out of both sides' timings

    cold, warm = calibration_cost()  # leaves the cache warm for both sides
    with Clock() as first_results:  # xarray initialises lazily on first use: a one-off, like an import
        sim.Results.from_model(sim.DiplomacyModel("baseline", replications=1, rng=SEED, steps=1))
    # Each side runs in `repeats` blocks (batch_run: consecutive seeds; batched: the same model again) and keeps
    # its fastest block, so a burst of other work on the machine does not decide the ratio.
    seeds = list(range(SEED, SEED + sz.mesa_runs))
    per_block = max(1, sz.mesa_runs // sz.repeats)
    mesa_clock: Clock | None = None
    rows: list[dict[str, Any]] = []
    for start in range(0, per_block * sz.repeats, per_block):
        with Clock() as clock:
            block = mesa.batch_run(
                sim.DiplomacyModel,
                parameters={"scenario": "baseline"},
                rng=seeds[start : start + per_block],
                max_steps=sz.steps,
                number_processes=1,
                display_progress=False,
            )
        rows = rows or block  # the first block holds seed SEED
        mesa_clock = clock if mesa_clock is None or clock.cpu < mesa_clock.cpu else mesa_clock
    run_clock = res_clock = None
    for _ in range(sz.repeats):
        with Clock() as run_once:
            model = sim.DiplomacyModel("baseline", replications=sz.batched_runs, rng=SEED, steps=sz.steps)
            model.run()
        with Clock() as res_once:
            results = sim.Results.from_model(model)
        if run_clock is None or run_once.cpu + res_once.cpu < run_clock.cpu + res_clock.cpu:
            run_clock, res_clock = run_once, res_once
        engine_value = float(model.trust[0, 0, 1])  # replication 0, T[PAK,USA], in the engine's float64
        del model
    assert mesa_clock is not None and run_clock is not None and res_clock is not None

    # Same seed on both sides: batch_run's run with rng=SEED is replication 0 of the batched model's seed SEED.
    last = next(r for r in rows if r.get("rng") == SEED and r["Step"] == sz.steps)
    stored = float(results.trust.sel(replication=0, step=sz.steps, observer="PAK", target="USA"))
    same = last["trust_PAK_USA"] == engine_value and np.float32(engine_value) == stored  # stored as float32

    mesa_wall, mesa_cpu = per_block / mesa_clock.wall, per_block / mesa_clock.cpu
    t = Table(
        f"1. Throughput: baseline, {sz.steps} steps per run, same process",
        ["engine", "runs", "wall s", "CPU s", "runs/s (wall)", "runs/s (CPU)", "vs batch_run (wall)", "(CPU)"],
    )
    t.add(
        "mesa.batch_run, 1 replication per model, 1 process",
        per_block,
        fmt(mesa_clock.wall),
        fmt(mesa_clock.cpu),
        fmt(mesa_wall),
        fmt(mesa_cpu),
        "1.00x",
        "1.00x",
    )
    both = Clock()
    both.wall, both.cpu = run_clock.wall + res_clock.wall, run_clock.cpu + res_clock.cpu
    for label, clock in (("construct + run", run_clock), ("construct + run + results()", both)):
        wall_rate, cpu_rate = sz.batched_runs / clock.wall, sz.batched_runs / clock.cpu
        t.add(
            f"DiplomacyModel batched: {label}",
            sz.batched_runs,
            fmt(clock.wall),
            fmt(clock.cpu),
            fmt(wall_rate),
            fmt(cpu_rate),
            f"{fmt(wall_rate / mesa_wall)}x",
            f"{fmt(cpu_rate / mesa_cpu)}x",
        )
    ratio = (sz.batched_runs / both.cpu) / mesa_cpu
    ratio_wall = (sz.batched_runs / both.wall) / mesa_wall
    t.notes = [
        f"batch_run gets rng = {seeds[0]}..{seeds[per_block * sz.repeats - 1]} (replication 0 of each seed) in "
        f"{sz.repeats} blocks of {per_block} runs; the batched model gets rng = {SEED} and replications "
        f"0..{sz.batched_runs - 1}, {sz.repeats} times. Each row is its side's fastest block (CPU); runs/s are "
        "compared, not totals.",
        f"Same work: batch_run's run with rng={SEED} and the batched model's replication 0 end at the same "
        f"T[PAK,USA] at step {sz.steps}: {'bit-identical' if same else 'DIFFERENT (check the engine!)'} "
        f"({last['trust_PAK_USA']:.6f}).",
        f"Calibration cache (sim.core.calibration.status_quo_moments, once per world per process) warmed before both: "
        f"one-off {fmt(cold)} s cold, {fmt(warm * 1e3)} ms when cached. The first results() of the process "
        f"(xarray's lazy set-up, {fmt(first_results.wall)} s) is also done before timing.",
        "The target is judged on CPU time (time.process_time: every thread of the process), which other work on "
        "the machine does not inflate; on an idle machine wall and CPU agree.",
    ]
    targets.append(
        Target(
            "batched runs/s vs mesa.batch_run (with results(); CPU)",
            f"{fmt(ratio)}x (wall: {fmt(ratio_wall)}x)",
            ">= 100x",
            ratio >= 100,
            f"{fmt(100 / ratio)}x short" if ratio < 100 else "",
        )
    )
    return t


# ---------------------------------------------------------------------------------------------------------------
# 1b. Baseline 1,000 x 120 with all trajectories kept


def trajectories_target(sz: Sizes, targets: list[Target]) -> Table:
    import sim

    best_run: Clock | None = None
    best_res: Clock | None = None
    for _ in range(sz.repeats):
        with Clock() as run_clock:
            model = sim.DiplomacyModel("baseline", replications=sz.target_replications, rng=SEED, steps=sz.steps)
            model.run()
        with Clock() as res_clock:
            sim.Results.from_model(model)
        best_run = run_clock if best_run is None or run_clock.cpu < best_run.cpu else best_run
        best_res = res_clock if best_res is None or res_clock.cpu < best_res.cpu else best_res
        del model
    assert best_run is not None and best_res is not None
    t = Table(
        f"1b. Baseline, {sz.target_replications:,} replications x {sz.steps} steps, all trajectories kept "
        f"(record=True), best of {sz.repeats}",
        ["part", "CPU s", "wall s"],
    )
    t.add("construct + run (the simulation)", fmt(best_run.cpu), fmt(best_run.wall))
    t.add("results() (labelled xarray)", fmt(best_res.cpu), fmt(best_res.wall))
    t.add("total", fmt(best_run.cpu + best_res.cpu), fmt(best_run.wall + best_res.wall))
    targets.append(
        at_most(
            f"baseline {sz.target_replications:,} x {sz.steps}, trajectories kept, CPU (construct + run)",
            best_run.cpu,
            1.0,
            "s",
        )
    )
    return t


# ---------------------------------------------------------------------------------------------------------------
# 2. Scaling with replications and with actors


def scale_replications(sz: Sizes, targets: list[Target]) -> Table:
    import sim

    t = Table(
        "2a. Scaling with replications (baseline, one model)",
        [
            "replications",
            "record",
            "steps",
            "set-up s",
            "CPU ms/step",
            "wall ms/step",
            "CPU µs/replication-step",
            "vs 1,000",
        ],
    )
    from sim.runs.api import CHUNK

    # (replications, record, chunked): chunked runs go as models of at most CHUNK replications, as sim.run does
    cases = [(r, rec, False) for r in sz.replications for rec in (True, False) if rec is False or r <= sz.record_limit]
    cases += [(r, False, True) for r in sz.replications if r > CHUNK]
    rows: list[tuple[int, bool, bool, int, float, float, float]] = []
    for r, record, chunked in cases:
        steps = int(min(sz.steps, max(min(12, sz.steps), sz.rep_steps_budget // r)))
        repeats = sz.repeats if r * steps <= 150_000 else 1
        batches = [np.arange(i, min(i + CHUNK, r)) for i in range(0, r, CHUNK)] if chunked else [r]
        setup_s, cpu, wall = float("inf"), float("inf"), float("inf")
        for _ in range(repeats):
            set_up = run_cpu = run_wall = 0.0
            for batch in batches:
                with Clock() as setup:
                    model = sim.DiplomacyModel("baseline", replications=batch, rng=SEED, steps=steps, record=record)
                with Clock() as run:
                    model.run()
                del model
                set_up, run_cpu, run_wall = set_up + setup.wall, run_cpu + run.cpu, run_wall + run.wall
            setup_s, cpu, wall = min(setup_s, set_up), min(cpu, run_cpu / steps), min(wall, run_wall / steps)
        rows.append((r, record, chunked, steps, setup_s, cpu, wall))
    cpu_per = {(r, rec, ch): cpu / r for r, rec, ch, _, _, cpu, _ in rows}
    ref = cpu_per.get((1000, False, False))
    for r, record, chunked, steps, setup_s, cpu, wall in rows:
        rel = f"{fmt(cpu_per[(r, record, chunked)] / ref)}x" if ref else "-"
        yes = "yes" if record else ("no, chunked" if chunked else "no")
        t.add(f"{r:,}", yes, steps, fmt(setup_s), fmt(cpu * 1e3), fmt(wall * 1e3), fmt(cpu / r * 1e6), rel)
    t.notes.append(
        f"record=False keeps only the current state (no trajectories): timed for every count, and the only mode "
        f"above {sz.record_limit:,} replications, to bound memory. Large counts run fewer steps "
        f"(about {sz.rep_steps_budget:,} replication-steps per case); the cost of a step does not depend on which "
        f"step it is. Set-up (random-stream keys, arrays) is reported apart. Per-step times are the best of up to "
        f"{sz.repeats} runs; CPU time (time.process_time) is used for the comparisons because other work on the "
        "machine does not inflate it. 'vs 1,000' compares with 1,000 replications, record=False."
    )
    t.notes.append(
        f"'no, chunked' runs the same replications as models of at most {CHUNK:,} each, one after another, which "
        "is what sim.run does for large counts (the numbers are identical: replications are batch-independent)."
    )
    big = [r for r in sz.replications if r >= 1000]
    if len(big) >= 2 and ref:
        cpu_step = {(r, rec, ch): cpu for r, rec, ch, _, _, cpu, _ in rows}
        exponent = growth_exponent(big, [cpu_step[(r, False, False)] for r in big])
        one_model = cpu_per[(big[-1], False, False)] / ref
        flat = cpu_per.get((big[-1], False, True), cpu_per[(big[-1], False, False)]) / ref
        t.notes.append(
            f"One model: CPU time per step grows as R^{exponent:.2f} from {big[0]:,} to {big[-1]:,} replications "
            f"(R^1 = flat cost per replication-step); the cost per replication-step at {big[-1]:,} is "
            f"{fmt(one_model)}x that at 1,000 in one model and {fmt(flat)}x in chunks of {CHUNK:,} (sim.run)."
        )
        targets.append(
            Target(
                f"cost per replication-step flat from 1,000 to {big[-1]:,} (CPU, sim.run chunks)",
                f"{fmt(flat)}x (one model: {fmt(one_model)}x)",
                "roughly flat (<= 1.25x)",
                flat <= 1.25,
                f"{fmt(flat)}x at {big[-1]:,} vs 1,000" if flat > 1.25 else "",
            )
        )
    return t


def scale_actors(sz: Sizes, targets: list[Target]) -> Table:
    import sim
    import sim.core.prepare
    from sim.core.calibration import anchors_for, status_quo_moments

    r = sz.actor_replications
    t = Table(
        f"2b. Scaling with actors (baseline world plus generated actors XA1.., {r:,} replications, record=False)",
        [
            "actors",
            "channels",
            "calibration s (one-off)",
            "CPU ms/step",
            "wall ms/step",
            "CPU µs/replication-step",
            "vs 4 actors",
        ],
    )
    step_cost: dict[int, float] = {}
    step_wall: dict[int, float] = {}
    rows = []
    for n in sz.actors:
        spec = with_extra_actors(n)
        calib = "not run"
        if n <= sz.calibration_max_actors:
            status_quo_moments.cache_clear()
            with Clock() as c:
                anchors_for(spec)
            calib = fmt(c.cpu)
        with mock.patch.object(sim.core.prepare, "anchors_for_each", _without_calibration):
            model = sim.DiplomacyModel(
                spec, replications=r, rng=SEED, steps=sz.actor_warmup + sz.actor_steps, record=False
            )
            model.run(until=sz.actor_warmup)  # the whole-run loop, as sim.run steps
            with Clock() as run:
                model.run()
        step_cost[n], step_wall[n] = run.cpu / sz.actor_steps, run.wall / sz.actor_steps
        rows.append((n, len(model.world.channels), calib))
        del model
    base = step_cost[sz.actors[0]]
    for n, channels, calib in rows:
        cpu, rel = step_cost[n], f"{fmt(step_cost[n] / base)}x"
        t.add(n, channels, calib, fmt(cpu * 1e3), fmt(step_wall[n] * 1e3), fmt(cpu / r * 1e6), rel)
    ns = list(sz.actors)
    exponent = growth_exponent(ns, [step_cost[n] for n in ns])
    local = growth_exponent(ns[-2:], [step_cost[n] for n in ns[-2:]]) if len(ns) >= 2 else exponent
    t.notes = [
        f"Each generated actor trusts and is trusted by every other (initial trust in [0.3, 0.7]) and has background "
        f"moves toward 3 others; validated with sim.scenario.load.validate_raw. Step times are after {sz.actor_warmup} "
        f"warm-up steps, over {sz.actor_steps} steps, with the calibration replaced by L0 = initial log-odds "
        f"(same cost per step); the calibration's own one-off cost (CPU s) is the third column "
        f"(measured up to {sz.calibration_max_actors} actors; `--calibration-actors 64` measures all).",
        f"CPU time per step grows as N^{exponent:.2f} over {ns[0]}..{ns[-1]} actors (N^{local:.2f} from {ns[-2]} to "
        f"{ns[-1]}).",
    ]
    worst = max(exponent, local)
    targets.append(
        Target(
            "growth with actors per step (CPU)",
            f"N^{exponent:.2f} (last doubling N^{local:.2f})",
            "<= N^3",
            worst <= 3.0,
            f"N^{worst:.2f}" if worst > 3 else "",
        )
    )
    return t


# ---------------------------------------------------------------------------------------------------------------
# 3. Sweep


def run_sweep_case(impl: str, runs: int, workers: int, steps: int) -> dict[str, Any]:
    """`python -m benchmarks.sweep` in a fresh interpreter; its tree's peak RSS sampled from here."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.sweep",
        "--impl",
        impl,
        "--runs",
        str(runs),
        "--workers",
        str(workers),
        "--steps",
        str(steps),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRSS(proc.pid) as peak:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"impl": impl, "error": (err.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall_s=wall, peak_rss=peak.peak, cpu_s=peak.cpu, samples=peak.samples)
    return result


def sweep(sz: Sizes, targets: list[Target]) -> Table:
    t = Table(
        f"3. Sweep: {sz.sweep_runs:,} runs x {sz.steps} steps, {sz.sweep_workers} workers",
        [
            "implementation",
            "runs",
            "points x replications",
            "sweep s",
            "whole command s",
            "CPU s, all processes",
            "peak RSS MB",
        ],
    )
    impls = ["subsystem"] if subsystem_available() else []
    impls.append("reference")
    judged = None
    for impl in impls:
        res = run_sweep_case(impl, sz.sweep_runs, sz.sweep_workers, sz.steps)
        label = "sim.sweep" if impl == "subsystem" else "reference: process pool over batched points (not sim.sweep)"
        if "error" in res:
            t.add(label, "-", "-", "-", "-", "-", f"error: {res['error']}")
            continue
        shape = f"{res.get('points', '?')} x {res.get('replications_per_point', '?')}"
        sweep_s = res["sweep_s"] + res.get("calibration_s", 0.0)
        cpu = fmt(res["cpu_s"]) if res.get("cpu_s") else "-"
        t.add(label, f"{res['runs']:,}", shape, fmt(sweep_s), fmt(res["wall_s"]), cpu, fmt(res["peak_rss"] / 2**20))
        if judged is None:
            judged = (label, res)
    if not subsystem_available():
        t.notes.append(
            "sim.sweep has not landed yet: only the reference (benchmarks/sweep.py: an alpha x beta grid, one "
            "batched DiplomacyModel per point, record=False, mean trust over the last 12 steps, forked workers "
            "that inherit the warmed calibration) is measured. Enable the sim.sweep row by adapting "
            "benchmarks.sweep.subsystem to its API."
        )
    t.notes.append(
        "'sweep s' is the sweep itself including the calibration warm-up; 'whole command' adds interpreter start "
        "and imports. Peak RSS and CPU are summed over the parent and all its descendants (psutil, sampled every "
        "20 ms; pages shared after fork count once per process, so the RSS is an upper bound). With the machine "
        f"to itself, the wall time is about CPU / {sz.sweep_workers} plus the serial start."
    )
    if judged is not None:
        label, res = judged
        who = "sim.sweep" if label == "sim.sweep" else "reference pool"
        wall = at_most(
            f"{sz.sweep_runs:,}-run sweep on {sz.sweep_workers} workers, wall ({who}, whole command)",
            res["wall_s"],
            15.0,
            "s",
        )
        if res.get("cpu_s"):
            wall.measured += f" (CPU {fmt(res['cpu_s'])} s over all processes)"
        targets.append(wall)
        targets.append(at_most(f"{sz.sweep_runs:,}-run sweep peak RSS ({who})", res["peak_rss"] / 2**20, 1024, "MB"))
    return t


# ---------------------------------------------------------------------------------------------------------------
# 4. Start-up


def _best_of(cmd: list[str], repeats: int, timeout: float = 120) -> tuple[float, subprocess.CompletedProcess[str]]:
    best, proc = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
        best = min(best, time.perf_counter() - t0)
    assert proc is not None
    return best, proc


def startup(sz: Sizes, targets: list[Target]) -> Table:
    py = sys.executable
    exe = shutil.which("diplosim", path=str(Path(py).parent)) or shutil.which("diplosim")
    t = Table(f"4. Start-up (subprocess wall time, best of {sz.startup_repeats})", ["command", "s", "note"])
    floor, _ = _best_of([py, "-c", "pass"], sz.startup_repeats)
    t.add("python -c pass (interpreter floor)", fmt(floor), "")
    light, _ = _best_of([py, "-c", "import sim.scenario.config"], sz.startup_repeats)
    t.add("python -c 'import sim.scenario.config' (validation imports)", fmt(light), "")
    heavy, _ = _best_of([py, "-c", "import sim.core.model"], sz.startup_repeats)
    t.add("python -c 'import sim.core.model' (numerical stack: numpy, mesa)", fmt(heavy), "")
    if exe is None:
        t.add("diplosim --help", "-", "no `diplosim` console script found")
        targets.append(Target("diplosim --help", "-", "< 0.3 s", None))
        return t
    help_s, proc = _best_of([exe, "--help"], 1)
    if proc.returncode != 0 or "usage" not in (proc.stdout + proc.stderr).lower():
        t.add("diplosim --help", "-", "the CLI has not landed (no usage text); not timed")
        targets.append(Target("diplosim --help", "-", "< 0.3 s", None))
        return t
    help_s, _ = _best_of([exe, "--help"], sz.startup_repeats)
    t.add("diplosim --help", fmt(help_s), "")
    targets.append(at_most("diplosim --help", help_s, 0.3, "s"))
    val_s, proc = _best_of([exe, "validate", "scenarios/baseline.toml"], sz.startup_repeats)
    note = "" if proc.returncode == 0 else f"exit code {proc.returncode}"
    t.add("diplosim validate scenarios/baseline.toml", fmt(val_s), note)
    return t


# ---------------------------------------------------------------------------------------------------------------


def summary(targets: list[Target]) -> Table:
    t = Table("Targets (issues 5 and 10)", ["target", "measured", "limit", "status"])
    for tg in targets:
        t.add(tg.name, tg.measured, tg.limit, tg.status())
    return t


def end_to_end(sz: Sizes, targets: list[Target]) -> Table:
    return commands(sz.command_repeats, sz.big_replications, sz.steps, targets, quick=sz.small_commands)


SECTIONS: dict[str, Callable[[Sizes, list[Target]], Table]] = {
    "throughput": throughput,
    "trajectories": trajectories_target,
    "replications": scale_replications,
    "actors": scale_actors,
    "sweep": sweep,
    "startup": startup,
    "commands": end_to_end,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test (numbers mean nothing)")
    parser.add_argument("--out", type=Path, help="also write the tables as markdown to this file")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), help="run only these sections")
    parser.add_argument(
        "--calibration-actors",
        type=int,
        metavar="N",
        help="measure the calibration's one-off cost up to N actors (default 32; 64 takes minutes)",
    )
    args = parser.parse_args(argv)
    sz = Sizes.quick() if args.quick else Sizes()
    if args.calibration_actors is not None:
        sz = Sizes(**{**sz.__dict__, "calibration_max_actors": args.calibration_actors})
    if args.quick:
        import sim.core.calibration

        sim.core.calibration.REPLICATIONS = 100  # smoke test only: a cheaper calibration (numbers mean nothing)

    os.chdir(ROOT)
    # Sections 1-4 measure the computations themselves (the calibration included), so the on-disk calibration
    # cache is off for them and the processes they start; section 5 measures the commands with the cache.
    os.environ["DIPLOSIM_CACHE"] = "off"
    tables = [machine_facts(argv)]
    print(tables[0].markdown() + "\n", flush=True)
    targets: list[Target] = []
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        with Clock() as c:
            table = section(sz, targets)
        table.notes.append(f"(section took {fmt(c.wall)} s)")
        tables.append(table)
        print(table.markdown() + "\n", flush=True)
    tables.insert(1, summary(targets))
    tables[1].notes.append(
        f"Load average at the end: {load_average()} on {os.cpu_count()} CPUs. Ratios are measured side by side in "
        "one process; absolute times move with the machine's other work."
    )
    print(tables[1].markdown(), flush=True)
    if args.out:
        header = "# diplosim benchmarks\n\nOutput of `python -m benchmarks.run` (see docs/performance.md).\n\n"
        args.out.write_text(header + "\n\n".join(t.markdown() for t in tables) + "\n")
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
