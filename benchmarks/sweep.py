"""The sweep benchmark: N runs x T steps on W worker processes, timed in a fresh interpreter.

Two implementations behind one command line (run by benchmarks.run in a subprocess, so the peak memory of the
parent plus its workers is measured from a clean start):

- `subsystem`: the project's sweep subsystem (sim.sweep), when it exists;
- `reference`: a plain process pool over batched chunks (one `DiplomacyModel` per grid point), the floor the
  engine allows. It is labelled as such wherever it is reported.

    python -m benchmarks.sweep --impl reference --runs 10000 --workers 2  # prints one JSON line
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

#: The reference grid: alpha x beta, each point one batched model of runs // points replications.
ALPHAS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
BETAS = (0.0, 0.02, 0.05, 0.1, 0.2)
LAST = 12  # outcome: mean trust over the last 12 steps


def _point(task: tuple[str, int, int, float, float, int, int]) -> dict[str, Any]:
    """One chunk: a grid point's replications [first, first + count) as one batched model, summarised."""
    from sim.core.model import DiplomacyModel

    scenario, first, count, alpha, beta, steps, seed = task
    model = DiplomacyModel(
        scenario, range(first, first + count), rng=seed, steps=steps, record=False, alpha=alpha, beta=beta
    )
    total = np.zeros_like(model.trust)
    model.run(until=steps - min(LAST, steps))  # the compiled loop; then the window, a step at a time
    for t in range(steps - min(LAST, steps) + 1, steps + 1):
        model.run(until=t)
        total += model.trust
    final = total / min(LAST, steps)  # [R, N, N]
    return {
        "alpha": alpha,
        "beta": beta,
        "mean": final.mean(axis=0).tolist(),
        "p05": np.quantile(final, 0.05, axis=0).tolist(),
        "p95": np.quantile(final, 0.95, axis=0).tolist(),
    }


def reference(runs: int, workers: int, steps: int = 120, scenario: str = "baseline", seed: int = 1) -> dict[str, Any]:
    """Sweep alpha x beta over `runs` runs in total with a process pool; the calibration is warmed first."""
    from sim.core.model import DiplomacyModel

    t0 = time.perf_counter()
    DiplomacyModel(scenario, 1, rng=seed, steps=1)  # warms the calibration cache, inherited by forked workers
    warm = time.perf_counter() - t0
    grid = [(a, b) for a in ALPHAS for b in BETAS]
    per_point = max(1, runs // len(grid))
    tasks = [(scenario, 0, per_point, a, b, steps, seed) for a, b in grid]
    t1 = time.perf_counter()
    if workers <= 1:
        rows = [_point(task) for task in tasks]
    else:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            rows = list(pool.map(_point, tasks))
    elapsed = time.perf_counter() - t1
    return {
        "impl": "reference",
        "runs": per_point * len(grid),
        "points": len(grid),
        "replications_per_point": per_point,
        "steps": steps,
        "workers": workers,
        "calibration_s": warm,
        "sweep_s": elapsed,
        "rows": len(rows),
    }


def subsystem_available() -> bool:
    """True once the sweep subsystem (sim.sweep) exposes its Python entry point `sim.sweep.run`."""
    try:
        import sim.sweep as sweep

        return callable(getattr(sweep, "run", None))
    except (ImportError, AttributeError):
        return False


def subsystem(runs: int, workers: int, steps: int = 120, scenario: str = "baseline", seed: int = 1) -> dict[str, Any]:
    """The same alpha x beta grid through `sim.sweep.run` (a sweep mapping, no output folder, default outcomes)."""
    import sim.sweep

    per_point = max(1, runs // (len(ALPHAS) * len(BETAS)))
    spec = {
        "scenario": scenario,
        "replications": per_point,
        "seed": seed,
        "steps": steps,
        "vary": [
            {"path": "parameters.alpha", "values": list(ALPHAS)},
            {"path": "parameters.beta", "values": list(BETAS)},
        ],
    }
    t1 = time.perf_counter()
    result = sim.sweep.run(spec, workers=workers, figures=False)
    elapsed = time.perf_counter() - t1
    return {
        "impl": "subsystem",
        "runs": per_point * len(ALPHAS) * len(BETAS),
        "points": len(ALPHAS) * len(BETAS),
        "replications_per_point": per_point,
        "steps": steps,
        "workers": workers,
        "sweep_s": elapsed,
        "executor": getattr(result, "executor", ""),
        "failed": len(getattr(result, "failures", ())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", choices=("reference", "subsystem"), default="reference")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    fn = reference if args.impl == "reference" else subsystem
    out = fn(args.runs, args.workers, args.steps)
    out["process_s"] = time.perf_counter() - t0
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
