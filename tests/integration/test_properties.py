"""Property: whatever is done to a valid scenario or sweep file (lines deleted, duplicated, retyped, set out of
range; the bytes re-encoded or cut short), `diplosim` either finishes with exit 0 and a complete result, or exits
with 2, one line naming the file, and nothing written. Never a traceback, never exit 1, never a half result.

Commands run in this process through `sim.cli.main.main`. The examples are derandomized (the same every run, so the
suite never flakes); `HYPOTHESIS_PROFILE=explore` draws many fresh ones to hunt for new failures.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sim
from sim.cli.main import main
from sim.outputs.read import read_manifest
from sim.outputs.resumable import store_dir
from sim.sweep.spec import load_sweep

IN_PROCESS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]  # capsys is read after every example
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=IN_PROCESS)
settings.register_profile("explore", max_examples=500, deadline=None, suppress_health_check=IN_PROCESS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SCENARIO = """\
name = "prop"
description = "A small scenario the property test mutates."
steps = 8
replications = 3
seed = 7
initial_trust = "essay"

[parameters]
alpha = 0.6
half_life = 24.0

[[policies]]
name = "talks"
actor = "USA"
move = "dialogue"
target = "PAK"
start = 2
end = 6
every = 2
probability = 0.5
intensity = 1.0

[events.terror_attack_india]
at = [3]

[events.skirmish]
rate = 0.05
inferred = "a test event"
shocks = [{ observer = "IND", target = "PAK", delta = -0.5, sd = 0.1 }]
"""

SWEEP = """\
name = "psweep"
scenario = "us_pressure"
design = "grid"
replications = 3
seed = 2
steps = 8
last = 4
outcomes = ["trust_PAK_USA", "alignment"]

[[vary]]
path = "policies.usa_pressure.intensity"
values = [0.5, 1.0]
"""

RUN = ["--steps", "8", "--replications", "3", "--no-plots"]  # a mutated file may ask for far more work
MAX_SWEEP_RUNS = 2_000  # points x replications x steps a mutated sweep may take to be run, not only validated
VALUE = re.compile(r"^(\s*[\w.\"-]+\s*=\s*)(.+?)\s*$")
NUMBER = re.compile(r"^(\s*[\w.-]+\s*=\s*)(-?[\d.e+]+|nan|inf)\s*$")
OTHER_TYPES = ['"text"', "true", "[1, 2]", "{ a = 1 }", "1.5", "7", "[]", '""', "1979-05-27"]
OUT_OF_RANGE = ["-1", "0", "0.0", "2.5", "11", "1e9", "100001", "10000001", "9223372036854775808", "1e308", "nan"]
ENCODINGS = ["latin-1", "utf-16", "utf-8-sig", "utf-8"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """The file's text after one to three line edits, then possibly re-encoded or cut short."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "retype", "out of range"]))
        value, number = VALUE.match(lines[i]), NUMBER.match(lines[i])
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif kind == "retype" and value:
            lines[i] = f"{value.group(1)}{draw(st.sampled_from(OTHER_TYPES))}\n"
        elif kind == "out of range" and number:
            lines[i] = f"{number.group(1)}{draw(st.sampled_from(OUT_OF_RANGE))}\n"
    text = "".join(lines)
    ending = draw(st.sampled_from(["keep", "re-encode", "cut short"]))
    if ending == "re-encode":
        return ("# caf\u00e9\n" + text).encode(draw(st.sampled_from(ENCODINGS)))
    data = text.encode()
    return data[: draw(st.integers(0, len(data)))] if ending == "cut short" else data


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def refused_cleanly(code: int, err: str, file: Path, before: dict, folder: Path) -> None:
    """Exit 2, one line naming the file, and the folder exactly as it was."""
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("diplosim") and str(file) in lines[0], lines[0]
    assert snapshot(folder) == before


@given(data=mutated(SCENARIO))
def test_a_mutated_scenario_runs_whole_or_is_refused_in_one_line(data: bytes, capsys) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file, out = folder / "case.toml", folder / "results" / "case"
        file.write_bytes(data)
        before = snapshot(folder)
        code = main(["run", str(file), *RUN, "--out", str(out), "--quiet"])
        err = capsys.readouterr().err
        if code != 0:
            event("refused")
            refused_cleanly(code, err, file, before, folder)
            return
        event("ran")
        assert err == ""
        meta = read_manifest(out)
        assert sorted(meta["files"]) == sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
        assert {"summary.csv", "alignment.csv", "moves.csv", "events.csv", "trajectories.nc"} <= set(meta["files"])
        assert len(pd.read_csv(out / "summary.csv")) == 9 * 12
        assert sim.Results.load(out / "trajectories.nc").trust.shape == (3, 9, 4, 4)
        assert sim.load_scenario(out / "scenario.toml").steps == 8
        assert [p.name for p in out.parent.iterdir()] == ["case"]


@given(data=mutated(SWEEP))
def test_a_mutated_sweep_runs_whole_or_is_refused_in_one_line(data: bytes, capsys) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file, out = folder / "sweep.toml", folder / "results" / "sweep"
        file.write_bytes(data)
        before = snapshot(folder)
        code = main(["validate", str(file)])
        err = capsys.readouterr().err
        if code != 0:
            event("refused")
            refused_cleanly(code, err, file, before, folder)
            return
        sweep = load_sweep(file)
        if len(sweep.points) * sweep.replications * sweep.scenario.steps > MAX_SWEEP_RUNS:
            event("valid, too big to run here")
            return
        event("ran")
        assert main(["sweep", str(file), "--workers", "1", "--no-plots", "--out", str(out)]) == 0, capsys.readouterr()
        table = pd.read_csv(out / "sweep.csv")
        assert len(table) == len(sweep.points) and table.notna().all().all()
        assert (out / "manifest.json").is_file() and not store_dir(out).exists()
        assert [p.name for p in out.parent.iterdir()] == ["sweep"]
