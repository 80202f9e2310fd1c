"""docs/analysis.ipynb runs top to bottom and shows rich output: HTML tables for results, inline figures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "docs" / "analysis.ipynb"


def test_example_notebook_runs_and_displays_tables_and_figures(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit it cleared"
    nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    html = [out.data["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any("Final trust of the row actor" in h for h in html)  # a Results
    assert any("Comparison baseline vs dialogue, us_pressure" in h for h in html)
    assert any("SweepResult" in h for h in html)
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 4  # fan chart, composed panels, final effects, sweep
    assert list(tmp_path.iterdir()) == []  # the notebook writes nothing
