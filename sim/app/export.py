"""Export what the dashboard shows as an ordinary comparison folder, as `diplosim compare` writes it.

Tables, trajectories, resolved scenarios and figures are written through sim.outputs, so `diplosim plot`,
`sim.Results.load` and `sim.load_scenario` read the folder like any other; the charts as drawn on the page are
added under plots/ as app_*.png, and the manifest records what the page showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.app.compute import Outcome
from sim.app.sources import results_root
from sim.outputs.figures import comparison_figures
from sim.outputs.folder import default_dir, result_folder
from sim.outputs.write import write_comparison
from sim.runs.comparison import Comparison

COMMAND = "diplosim app (exported from the dashboard)"


def default_folder(outcome: Outcome, root: Path | None = None) -> Path:
    """results/<status quo>_vs_<scenario>/<time> under the folder the server was started in, as `diplosim
    compare` names its folders; the only place the dashboard exports to (a client never names a path)."""
    return default_dir(root or results_root(), "_vs_".join(outcome.names))


def export(
    folder: str | Path, outcome: Outcome, screen: Mapping[str, bytes], shown: Mapping[str, Any], force: bool = False
) -> Path:
    """Write the comparison folder (it appears only when complete); `screen` maps chart names to PNG bytes."""
    ref = outcome.specs[outcome.names[0]]
    fields = {
        "scenarios": list(outcome.names),
        "seed": ref.seed,
        "replications": ref.replications,
        "steps": ref.steps,
        "actors": {code: actor.name for code, actor in ref.world.actors.items()},
        **({"start": ref.start} if ref.start is not None else {}),
        "shown": dict(shown),
    }
    with result_folder(folder, force=force, command=COMMAND, fields=fields) as writing:
        files, jobs = write_comparison(writing.path, Comparison(outcome.runs), outcome.specs)
        files += [job() for job in [*jobs, *comparison_figures(writing.path, fields)]]
        for name, data in screen.items():
            path = writing.path / "plots" / f"app_{name}.png"
            path.write_bytes(data)
            files.append(path)
        writing.files += files
    return Path(folder)
