"""Property, one per reader: whatever is done to a valid result folder's file that breaks what its writer promises
(a column dropped or renamed, the file cut short, text where a number belongs, a value out of range, quantiles
swapped; a chunk or trajectories file replaced, reshaped or cut; a manifest field lost), the command reading it
exits with 2, prints one line naming the file, and writes nothing.

The valid inputs are the committed examples under results/examples/ (copied to a scratch folder for each example).
Commands run in this process through `sim.cli.main.main`. The examples are derandomized and few, so the suite
stays fast and never flakes; HYPOTHESIS_PROFILE=explore (tests/integration/test_properties.py) does not change
them: raise READER_EXAMPLES to hunt for new failures.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
import sim.outputs.read
from sim.cli.main import main
from sim.util.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "results" / "examples"
READER_EXAMPLES = int(os.environ.get("READER_EXAMPLES", "8"))
FEW = settings(
    max_examples=READER_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SHARES = ("mean", "p05", "p25", "p50", "p75", "p95")
DIFFS = ("diff", "diff_low", "diff_high", "diff_p05", "diff_p95")
OUT_OF_RANGE = {  # column -> values its writer never writes there
    **{column: ["7.5", "-0.25", "1.000001"] for column in SHARES},
    **{column: ["1.5", "-2"] for column in DIFFS},
    "step": ["-1", "2.5", "100000"],
    "point": ["-1", "0.5", "100000"],
    "mean_count": ["-1", "-0.001"],
    "goldstein": ["11", "-10.5"],
}
ORDERED = [("p05", "p25"), ("p25", "p50"), ("p50", "p75"), ("p75", "p95"), ("p05", "p50"), ("p50", "p95")]


# -- folders and the refusal -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@contextmanager
def copied(example: str, skip: tuple[str, ...] = (".png", ".nc")) -> Iterator[Path]:
    """A scratch copy of a committed example (without the files it does not need), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="diplosim-readers-") as tmp:
        folder = Path(tmp) / example.replace("/", "_")
        shutil.copytree(EXAMPLES / example, folder, ignore=lambda d, names: [n for n in names if n.endswith(skip)])
        yield folder


def refused(capsys, folder: Path, damaged: Path, *command: str) -> str:
    """Run `diplosim COMMAND FOLDER ... --out <scratch>`: exit 2, one line naming the damaged file (or the folder
    it is missing from), the folder as it was, and no output."""
    out = folder.parent / "out"
    before = snapshot(folder)
    code = main([command[0], str(folder), *command[1:], "--out", str(out)])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err and lines[0].startswith("diplosim: error: "), err
    assert str(damaged) in lines[0] or f"{damaged.parent}:" in lines[0], lines[0]
    assert snapshot(folder) == before and not out.exists()
    return lines[0]


# -- CSV tables ------------------------------------------------------------------------------------------------


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())


@st.composite
def damage_table(draw: st.DrawFn, path: Path) -> str:
    """Damage a CSV table in one of the ways its reader must catch; returns what was done (for the report)."""
    rows = rows_of(path)
    header, body = rows[0], rows[1:]
    kinds = ["drop column", "rename column", "cut short", "text for a number", "garbage"]
    ranged = [c for c in header if c in OUT_OF_RANGE]
    swappable = [
        (low, high, i)
        for low, high in ORDERED
        if low in header and high in header
        for i, row in enumerate(body)
        if row[header.index(low)] and row[header.index(low)] != row[header.index(high)]
    ]
    kinds += ["out of range"] * bool(ranged) + ["quantiles swapped"] * bool(swappable)
    kind = draw(st.sampled_from(kinds))
    numeric = [c for c in header if all(_number(r[header.index(c)]) for r in body[:50])]
    if kind == "drop column":
        j = draw(st.integers(0, len(header) - 1))
        write_rows(path, [r[:j] + r[j + 1 :] for r in rows])
    elif kind == "rename column":
        j = draw(st.integers(0, len(header) - 1))
        write_rows(path, [[*header[:j], header[j] + "_renamed", *header[j + 1 :]], *body])
    elif kind == "cut short":
        data = path.read_bytes()
        path.write_bytes(data[: draw(st.integers(0, len(data) - 2))])
    elif kind == "garbage":
        path.write_bytes(draw(st.binary(min_size=0, max_size=300)) + draw(st.sampled_from([b"", b"\n", b"\xff\n"])))
    elif kind == "text for a number":
        column, i = draw(st.sampled_from(numeric)), draw(st.integers(0, len(body) - 1))
        body[i][header.index(column)] = draw(st.sampled_from(["abc", "1,5", "0.3x", "true"]))
        write_rows(path, [header, *body])
    elif kind == "out of range":
        column, i = draw(st.sampled_from(ranged)), draw(st.integers(0, len(body) - 1))
        body[i][header.index(column)] = draw(st.sampled_from(OUT_OF_RANGE[column]))
        write_rows(path, [header, *body])
    else:
        low, high, i = draw(st.sampled_from(swappable))
        a, b = header.index(low), header.index(high)
        body[i][a], body[i][b] = body[i][b], body[i][a]
        write_rows(path, [header, *body])
    return kind


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True


RUN_FILES = ["summary.csv", "alignment.csv", "moves.csv", "events.csv"]


@FEW
@given(name=st.sampled_from(RUN_FILES), data=st.data())
def test_plot_refuses_a_damaged_run_table(capsys, name, data) -> None:
    with copied("baseline") as folder:
        data.draw(damage_table(folder / name), label="damage")
        refused(capsys, folder, folder / name, "plot")


@FEW
@given(data=st.data())
def test_report_refuses_a_damaged_final_table(capsys, data) -> None:
    with copied("baseline") as folder:
        data.draw(damage_table(folder / "final.csv"), label="damage")
        refused(capsys, folder, folder / "final.csv", "report")


@FEW
@given(name=st.sampled_from(["comparison.csv", "comparison_steps.csv"]), data=st.data())
def test_plot_and_report_refuse_a_damaged_comparison_table(capsys, name, data) -> None:
    with copied("compare") as folder:
        data.draw(damage_table(folder / name), label="damage")
        refused(capsys, folder, folder / name, data.draw(st.sampled_from(["plot", "report"]), label="command"))


@FEW
@given(
    case=st.sampled_from([("sweep_beta_pressure", "sweep.csv"), ("sweep_calibration_sobol", "sensitivity.csv")]),
    data=st.data(),
)
def test_plot_report_and_discover_refuse_a_damaged_sweep_table(capsys, case, data) -> None:
    example, name = case
    with copied(example) as folder:
        data.draw(damage_table(folder / name), label="damage")
        command = data.draw(st.sampled_from(["plot", "report", "discover"]), label="command")
        if command == "discover":
            if name == "sensitivity.csv":  # discover does not read the indices
                return
            refused(capsys, folder, folder / name, "discover", "--outcome", "PAK->USA", "--below", "0.1")
        else:
            refused(capsys, folder, folder / name, command)


# -- manifests -------------------------------------------------------------------------------------------------


@FEW
@given(
    example=st.sampled_from(["baseline", "compare", "sweep_beta_pressure"]),
    key=st.sampled_from(["steps", "replications", "scenario", "scenarios", "actors", "rows", "parameters", "points"]),
    value=st.sampled_from([None, "twelve", -1, 0, [], {}, True, 1.5]),
)
def test_a_damaged_manifest_is_refused(capsys, example, key, value) -> None:
    with copied(example) as folder:
        path = folder / "manifest.json"
        meta = json.loads(path.read_text())
        meta["rows"] = {}  # the committed examples predate row counts: give them some to damage
        applies = key in meta or key == "rows"
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
        path.write_text(json.dumps(meta))
        valid = (key == "actors" and value in ({}, None)) or (key == "rows" and value in ({}, None))
        if not applies or valid or (key == "scenario" and isinstance(value, str)):
            return  # a field this kind of folder does not have, or a value its writer could have written
        command = ["discover", "--outcome", "PAK->USA", "--below", "0.1"] if example.startswith("sweep") else ["plot"]
        refused(capsys, folder, path, *command)


@pytest.mark.parametrize("command", ["plot", "report", "discover"])
def test_a_folder_without_its_manifest_is_bad_input(capsys, command) -> None:
    with copied("sweep_beta_pressure") as folder:
        (folder / "manifest.json").unlink()
        extra = ["--outcome", "PAK->USA", "--below", "0.1"] if command == "discover" else []
        line = refused(capsys, folder, folder / "manifest.json", command, *extra)
        assert "not a result folder (no manifest.json)" in line


def test_row_counts_in_the_manifest_catch_a_table_cut_at_a_line_break(tmp_path, capsys) -> None:
    """A table cut short at a line break, whose remaining rows are complete as far as its contents tell, is caught
    by the row count the manifest records (moves.csv: the months' rows of every move of the last actor)."""
    folder = tmp_path / "run"
    assert main(["run", "--replications", "3", "--steps", "4", "--no-plots", "--out", str(folder), "-q"]) == 0
    meta = json.loads((folder / "manifest.json").read_text())
    assert meta["rows"]["summary.csv"] == 5 * 12 and meta["rows"]["final.csv"] == 12
    rows = rows_of(folder / "moves.csv")
    last = rows[-1][1]
    kept = [r for r in rows if r[1] != last]
    write_rows(folder / "moves.csv", kept)  # every row of one actor's moves gone: complete as far as it tells
    line = refused(capsys, folder, folder / "moves.csv", "plot")
    assert f"has {len(kept) - 1} data rows, but its manifest says {len(rows) - 1}" in line


# -- sweep chunks ----------------------------------------------------------------------------------------------


def damage_chunk(draw: st.DrawFn, folder: Path) -> Path:
    """Damage one chunk file of a sweep folder; the file the error must name (the folder for a missing chunk)."""
    chunks = sorted((folder / "chunks").glob("*.npz"))
    path = draw(st.sampled_from(chunks))
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    kind = draw(st.sampled_from(["cut", "garbage", "foreign", "reshaped", "out of range", "outcomes", "gone", "twice"]))
    if kind == "cut":
        data = path.read_bytes()
        path.write_bytes(data[: draw(st.integers(0, len(data) - 1))])
    elif kind == "garbage":
        path.write_bytes(b"PK\x03\x04" + bytes(200))
    elif kind == "gone":
        path.unlink()
        return folder
    elif kind == "twice":
        shutil.copy(path, folder / "chunks" / "chunk-999999.npz")
        return folder / "chunks" / "chunk-999999.npz"
    else:
        if kind == "foreign":
            arrays = {"x": np.arange(3)}
        elif kind == "reshaped":
            arrays["values"] = arrays["values"][..., :1]
        elif kind == "out of range":
            arrays["values"] = arrays["values"].copy()
            arrays["values"].flat[draw(st.integers(0, arrays["values"].size - 1))] = draw(
                st.sampled_from([7.0, -1, np.nan])
            )
        else:
            arrays["outcomes"] = np.array([f"renamed_{o}" for o in arrays["outcomes"]])
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)
    return path


@FEW
@given(data=st.data())
def test_discover_refuses_a_damaged_chunk(capsys, data) -> None:
    with copied("sweep_beta_pressure") as folder:
        damaged = damage_chunk(data.draw, folder)
        refused(capsys, folder, damaged, "discover", "--outcome", "PAK->USA", "--below", "0.1")


@FEW
@given(data=st.data())
def test_sweep_replications_refuse_a_damaged_chunk(data) -> None:
    with copied("sweep_beta_pressure") as folder:
        damaged = damage_chunk(data.draw, folder)
        with pytest.raises(ConfigError) as caught:
            sim.sweep.replications(folder)
        assert caught.value.file in (str(damaged), str(folder))


# -- trajectories ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trajectories_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed baseline's run at three replications (its seed and months; the committed examples leave out
    their .nc files): a valid trajectories file, quick to rewrite."""
    return sim.run("baseline", replications=3).save(tmp_path_factory.mktemp("trajectories") / "trajectories.nc")


@pytest.fixture(scope="module")
def trajectories(trajectories_file: Path) -> xr.Dataset:
    with xr.open_dataset(trajectories_file, engine="h5netcdf") as ds:
        return ds.load()


def damage_trajectories(draw: st.DrawFn, ds: xr.Dataset, path: Path) -> None:
    kind = draw(
        st.sampled_from(
            [
                "renamed actor",
                "text seed",
                "all NaN",
                "trust out of range",
                "reversed steps",
                "moves reshaped",
                "config not JSON",
                "config not a scenario",
                "negative count",
                "cut",
            ]
        )
    )
    ds = ds.copy(deep=True)
    if kind == "renamed actor":
        codes = [str(a) for a in ds["observer"].values]
        codes[draw(st.integers(0, len(codes) - 1))] = "XXX"
        dim = draw(st.sampled_from(["observer", "target", "actor"]))
        ds = ds.assign_coords({dim: codes})
    elif kind == "text seed":
        ds.attrs["seed"] = draw(st.sampled_from(["abc", "42"]))
    elif kind == "all NaN":
        ds["trust"][:] = np.nan
    elif kind == "trust out of range":
        values = ds["trust"].values
        r, s = draw(st.integers(0, values.shape[0] - 1)), draw(st.integers(0, values.shape[1] - 1))
        values[r, s, 0, 1] = draw(st.sampled_from([7.0, -0.5, np.inf]))
    elif kind == "reversed steps":
        ds = ds.isel(step=slice(None, None, -1))
    elif kind == "moves reshaped":
        ds["moves"] = ds["moves"].isel(move=0, drop=True)
    elif kind == "config not JSON":
        ds.attrs["config"] = ds.attrs["config"][: draw(st.integers(0, 200))]
    elif kind == "config not a scenario":
        ds.attrs["config"] = json.dumps({"name": "x", "steps": -3})
    elif kind == "negative count":
        ds["events"] = ds["events"].astype("int16")
        ds["events"][0, 1, 0] = -1
    sim.Results(ds).save(path)
    if kind == "cut":
        data = path.read_bytes()
        path.write_bytes(data[: draw(st.integers(0, len(data) - 1))])


@FEW
@given(data=st.data())
def test_results_load_refuses_damaged_trajectories(tmp_path, trajectories, data) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "trajectories.nc"
    damage_trajectories(data.draw, trajectories, path)
    with pytest.raises(ConfigError) as caught:
        sim.Results.load(path)
    assert caught.value.file == str(path)


@FEW
@given(data=st.data())
def test_report_refuses_damaged_trajectories(capsys, trajectories, data) -> None:
    """A run folder without final.csv: report computes it from trajectories.nc, which must be whole."""
    with copied("baseline") as folder:
        (folder / "final.csv").unlink()
        meta = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**meta, "replications": 3}))
        damage_trajectories(data.draw, trajectories, folder / "trajectories.nc")
        refused(capsys, folder, folder / "trajectories.nc", "report")


def test_the_committed_examples_read_whole(trajectories_file) -> None:
    """The control: every reader accepts the valid inputs it is tested on."""
    from sim.outputs import read

    meta, tables = read.read_run(EXAMPLES / "baseline")
    assert {len(t) for t in tables.values()} >= {12, 1452}
    read.read_trajectories(trajectories_file, {**meta, "replications": 3})
    read.read_comparison(EXAMPLES / "compare", read.read_manifest(EXAMPLES / "compare"))
    for name in ("sweep_beta_pressure", "sweep_calibration_sobol", "sweep_pressure_intensity"):
        meta, table, _, failures = read.read_sweep(EXAMPLES / name)
        assert len(table) == meta["points"] and failures.empty
        if (EXAMPLES / name / "chunks").is_dir():
            assert read.read_chunks(EXAMPLES / name, meta)[0].shape[:2] == (meta["points"], meta["replications"])


FAULTY = """\
name = "faulty"
scenario = "us_pressure"
design = "grid"
replications = 3
seed = 2
steps = 24
last = 4
outcomes = ["trust_PAK_USA"]

[[vary]]
path = "policies.usa_pressure.start"
values = [2, 20]

[[vary]]
path = "policies.usa_pressure.end"
values = [10, 24]
"""


def test_a_point_that_fails_is_the_users_error_and_its_sweep_reads_back(tmp_path, monkeypatch, capsys):
    """A point whose scenario does not validate (its policy ends before it starts) fails alone: exit 1 with its
    line, failures.csv, nothing unfinished left behind; and plot, report and discover read the folder. The points
    run in worker processes, as most sweeps do."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "faulty.toml").write_text(FAULTY)
    out = tmp_path / "out"
    assert main(["sweep", "faulty.toml", "--out", str(out), "--workers", "2", "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "diplosim sweep: 1 of 4 points failed:" and len(err) == 2 and "Traceback" not in err[1]
    assert "<point 2: policies.usa_pressure.start=20, policies.usa_pressure.end=10>" in err[1]
    assert "end (10) is before start (20)" in err[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faulty.toml", "out"]  # no .out.unfinished
    meta, table, _, failures = sim.outputs.read.read_sweep(out)
    assert meta["failed_points"] == [2] and list(failures["point"]) == [2] and table.iloc[2].isna().any()
    for command in (["plot", str(out), "--out", "figs"], ["report", str(out)]):
        assert main(command) == 0, capsys.readouterr().err
    assert main(["discover", str(out), "--outcome", "PAK->USA", "--above", "0.31", "-q"]) == 0


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda dates: ["2001-13", *dates[1:]], "column 'date' holds '2001-13' in data row 1, not a month"),
        (lambda dates: [*dates[:20], "1999-01", *dates[21:]], "holds 1999-01 for month 1 in data row 21, out of step"),
        (lambda dates: [d[:5] + ("02" if d[5:] == "01" else "01") for d in dates], "out of step with the calendar"),
    ],
    ids=["not a month", "one row shifted", "every row shifted"],
)
def test_plot_refuses_dates_that_are_not_the_runs(tmp_path, capsys, scenario_file, damage, words) -> None:
    """A dated run's tables carry each month's date: an impossible month or dates out of step with the calendar
    (one row, or all of them, against the start the manifest records) are refused, not drawn."""
    spec = scenario_file('name = "dated"\nworld = "world.toml"\nstart = "2001-09"\nend = "2002-08"\n')
    folder = tmp_path / "run"
    assert main(["run", str(spec), "--replications", "3", "--no-plots", "--out", str(folder), "-q"]) == 0
    assert json.loads((folder / "manifest.json").read_text())["start"] == "2001-09"
    rows = rows_of(folder / "summary.csv")
    column = rows[0].index("date")
    dates = damage([r[column] for r in rows[1:]])
    body = [[*r[:column], d, *r[column + 1 :]] for r, d in zip(rows[1:], dates, strict=True)]
    write_rows(folder / "summary.csv", [rows[0], *body])
    assert words in refused(capsys, folder, folder / "summary.csv", "plot")
