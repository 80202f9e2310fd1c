"""Write tests/data/numpy_reference.npz: what the numpy engine (before the compiled one) recorded for every bundled
scenario, so that tests/test_kernel.py can show the compiled engine computes the same model.

    git archive a7206da sim | tar -x -C /tmp/numpy-engine
    PYTHONPATH=/tmp/numpy-engine python tests/data/numpy_reference.py

(commit a7206da: the numpy engine with the reply fix of issue 17, item 1; the scenarios were read from that tree.
A bundled scenario changed since then is kept as it was in tests/data, and tests/test_kernel.py runs that copy.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sim.calibrate import anchors_for

import sim

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "scenarios"
REPLICATIONS, STEPS, SEED = 8, 96, 7
#: Batched-parameter rows checked against scalar runs of the numpy engine (alpha, level_gain, reply_floor).
ROWS = [{"alpha": 0.3, "level_gain": 10.0}, {"reply_floor": 0.6, "habituation": 8.0}]


def main() -> None:
    arrays: dict[str, np.ndarray] = {}
    files = [*sorted(SCENARIOS.glob("*.toml")), HERE / "us_pakistan_2001_2018.toml"]
    for path in files:
        if path.name == "world.toml":
            continue
        steps = None if path.parent.name == "data" else STEPS  # the replay's own length (its fixed events)
        r = sim.run(path, replications=REPLICATIONS, steps=steps, seed=SEED)
        name = path.stem
        arrays[f"{name}/trust"] = r.trust.values
        arrays[f"{name}/moves"] = r.moves.values
        arrays[f"{name}/events"] = r.events.values
    spec = sim.load_scenario(SCENARIOS / "baseline.toml")
    arrays["baseline/anchors"] = anchors_for(spec).baseline
    for i, row in enumerate(ROWS):
        r = sim.run(SCENARIOS / "us_pressure.toml", replications=REPLICATIONS, steps=STEPS, seed=SEED, **row)
        arrays[f"row{i}/trust"] = r.trust.values
    np.savez_compressed(HERE / "numpy_reference.npz", **arrays)
    print(f"wrote {len(arrays)} arrays from {sim.__file__}", file=sys.stderr)


if __name__ == "__main__":
    main()
