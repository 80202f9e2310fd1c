"""`diplosim show X > f; diplosim run f` gives the numbers and columns of `diplosim run X`, for every scenario that
`diplosim list` names (bundled and history, dated or not)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.cli.main import main
from sim.scenario.load import list_scenarios

TABLES = ("final.csv", "summary.csv", "alignment.csv", "moves.csv", "events.csv")


def run_folder(ref: str | Path, out: Path) -> Path:
    assert main(["run", str(ref), "--replications", "6", "--no-plots", "--quiet", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", list(list_scenarios()))
def test_show_output_runs_to_the_same_numbers_and_columns(name: str, tmp_path: Path, capsys) -> None:
    assert main(["show", name]) == 0
    shown = tmp_path / "shown.toml"
    shown.write_text(capsys.readouterr().out)
    assert sim.load_scenario(shown) == sim.load_scenario(name)
    original, again = run_folder(name, tmp_path / "original"), run_folder(shown, tmp_path / "again")
    for table in TABLES:
        assert (again / table).read_bytes() == (original / table).read_bytes(), table
    if sim.load_scenario(name).start is not None:
        assert (original / "summary.csv").read_text().startswith("step,date,")
