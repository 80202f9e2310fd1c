"""Export what the dashboard shows as an ordinary comparison folder, as `diplosim compare` writes it.

The tables, trajectories, resolved scenarios and figures come from sim.output and sim.plots (so `diplosim plot`,
`sim.Results.load` and `sim.load_scenario` read the folder like any other); the charts as drawn on the page are
added under plots/ as app_*.png, and the manifest records what the page showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim import output, plots
from sim.app.compute import Outcome

RESULTS_ROOT = Path("results")
COMMAND = "diplosim app (exported from the dashboard)"


def default_folder(outcome: Outcome, root: Path = RESULTS_ROOT) -> Path:
    """results/<status quo>_vs_<scenario>/<time>, as `diplosim compare` names its folders."""
    return output.default_dir(root, "_vs_".join(outcome.names))


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
        "shown": dict(shown),
    }
    started = datetime.now(UTC)
    final = Path(folder)
    with output.atomic_output(final, force) as tmp:
        files, jobs = output.write_comparison(tmp, outcome.runs, outcome.specs)
        files += [job() for job in jobs]
        files += plots.plot_comparison(tmp, fields)
        for name, data in screen.items():
            path = tmp / "plots" / f"app_{name}.png"
            path.write_bytes(data)
            files.append(path)
        listing = [*sorted(str(f.relative_to(tmp)) for f in files), output.MANIFEST]
        output.write_manifest(tmp, output.manifest(COMMAND, started=started, **fields, files=listing))
    return final
