"""What the dashboard shows, as a zip of the comparison folder `diplosim compare` writes for the same settings.

The folder (tables, trajectories, resolved scenarios, figures, manifest) is written by sim.outputs' one writer
into a temporary directory, zipped in memory, and the directory deleted: the server keeps nothing and writes
nowhere a client names. Unzipped, `diplosim plot`, `sim.Results.load` and `diplosim compare` on its scenario
files read it like any other comparison.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from sim.app.compute import PairedRuns
from sim.outputs.figures import comparison_figures
from sim.outputs.folder import result_folder
from sim.outputs.manifest import run_fields
from sim.outputs.write import write_comparison
from sim.runs.checks import comparison_name

COMMAND = "diplosim app (downloaded from the dashboard)"


def folder_name(outcome: PairedRuns) -> str:
    """The name `diplosim compare` gives the comparison's folder: <reference>_vs_<comparison>."""
    return comparison_name(list(outcome.names))


def fields(outcome: PairedRuns) -> dict[str, object]:
    """The manifest's fields, as `diplosim compare` records them."""
    return {"scenarios": list(outcome.names), **run_fields(outcome.runs[outcome.names[0]].scenario)}


def write_folder(folder: Path, outcome: PairedRuns) -> Path:
    """Write the comparison folder at `folder` (it appears only when complete)."""
    meta = fields(outcome)
    with result_folder(folder, force=False, command=COMMAND, fields=meta) as writing:
        files, jobs = write_comparison(writing.path, outcome.runs, outcome.specs)
        writing.files += files
        writing.jobs += [*jobs, *comparison_figures(writing.path, meta)]  # drawn here: no process is forked
    return folder


def zipped(outcome: PairedRuns) -> bytes:
    """The comparison folder as zip bytes, every file under <reference>_vs_<comparison>/."""
    name = folder_name(outcome)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="diplosim-download-") as tmp:
        folder = write_folder(Path(tmp) / name, outcome)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                archive.write(path, f"{name}/{path.relative_to(folder)}")
    return buffer.getvalue()
