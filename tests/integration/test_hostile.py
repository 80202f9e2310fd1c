"""Hostile and careless input, class by class (issue 11): every case ends in exit 0 with a whole result, or exit 2
with one line naming the file and nothing written; the Python API raises ConfigError with the CLI's words.

Commands run in this process through `sim.cli.main.main` (fast); the few that need a real process (signals, kill -9)
run `diplosim` in a subprocess and wait for observable states, never for fixed times.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.sweep
from sim.cli import files as cli_files
from sim.cli.main import main
from sim.outputs.resumable import store_dir
from sim.runs.checks import comparison_name
from sim.scenario import load as config
from sim.util import interrupts, memory, tomlfile
from sim.util.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--replications", "3", "--steps", "6", "--no-plots"]
SWEEP = """\
scenario = "baseline"
replications = 4
steps = 6
last = 3
outcomes = ["trust_PAK_USA"]

[[vary]]
path = "parameters.beta"
values = [0.0, 0.2]
"""
SCENARIO = 'name = "mine"\nsteps = 6\nreplications = 3\n'
DIPLOSIM = [sys.executable, "-c", "from sim.cli.main import console; console()"]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under `folder` with its size and modification time: equal snapshots mean nothing was written."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder holding a copy of the world file (for scenarios that name it)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "scenarios" / "world.toml", tmp_path / "world.toml")
    return tmp_path


def refused(capsys: pytest.CaptureFixture, folder: Path, *args: str | Path, expect: str, file: str | None) -> str:
    """Run `diplosim ARGS`: exit 2, one line containing `expect` (and naming `file`), nothing written."""
    before = snapshot(folder)
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert code == 2, err
    line = one_line(err)
    assert expect in line and line.startswith("diplosim"), line
    assert file is None or file in line, line
    assert snapshot(folder) == before
    return line


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- 1. encodings -----------------------------------------------------------------------------------------------

ENCODINGS = {  # each applied to the file's text after a first line "# café"
    "latin-1": (lambda text: text.encode("latin-1"), "is not UTF-8 text (byte 0xe9 at line 1, column 6"),
    "utf-16": (lambda text: text.encode("utf-16"), "is UTF-16 text"),
    "binary": (lambda text: bytes(range(256)) * 4, "is not a text file (a zero byte at line 1, column 1)"),
    "cut in a character": (lambda text: text.encode()[:6], "is not UTF-8 text (byte 0xc3 at line 1, column 6"),
}


@pytest.mark.parametrize("kind", ENCODINGS, ids=list(ENCODINGS))
@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_files_that_are_not_utf8_are_one_line_naming_the_file(here, capsys, kind, command):
    encode, expect = ENCODINGS[kind]
    file = write(here / "bad.toml", encode("# caf\u00e9\n" + (SWEEP if command == "sweep" else SCENARIO)))
    extra = {"run": TINY, "sweep": ["--workers", "1"], "validate": []}[command]
    refused(capsys, here, command, file.name, *extra, expect=expect, file="bad.toml")


@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_a_utf8_byte_order_mark_is_accepted(here, capsys, command):
    file = write(here / "bom.toml", tomlfile.UTF8_BOM + (SWEEP if command == "sweep" else SCENARIO).encode())
    extra = {"run": [*TINY, "--out", "out"], "sweep": ["--workers", "1", "--no-plots", "--out", "out"]}
    assert main([command, file.name, *extra.get(command, [])]) == 0, capsys.readouterr().err
    if command != "validate":
        assert (here / "out" / "manifest.json").is_file()


def test_one_broken_file_does_not_hide_the_other_scenarios(tmp_path, capsys, monkeypatch):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    expected = config.list_scenarios()
    write(tmp_path / "scenarios" / "zz_latin1.toml", 'name = "caf\u00e9"\n'.encode("latin-1"))
    write(tmp_path / "scenarios" / "aa_broken.toml", "name = \n")
    monkeypatch.setattr(config, "SCENARIO_DIRS", (tmp_path / "scenarios",))
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    scenarios = out.split("\n\n")[0].splitlines()[1:]  # the scenario block, under its heading
    assert [line.split()[0] for line in scenarios] == list(expected)
    warnings = err.strip().splitlines()
    assert len(warnings) == 2 and "Traceback" not in err
    assert "aa_broken.toml" in warnings[0] and "zz_latin1.toml" in warnings[1] and "UTF-8" in warnings[1]


# -- 3. names that are paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "a/b", "x" * 300, "", "tab\there"])
def test_names_that_are_not_folder_names_are_refused_before_any_work(here, capsys, name):
    file = write(here / "named.toml", SCENARIO.replace('"mine"', json.dumps(name)))
    refused(capsys, here, "run", file.name, *TINY, expect="key 'name'", file="named.toml")
    sweep = write(here / "named_sweep.toml", f"name = {json.dumps(name)}\n" + SWEEP)
    refused(capsys, here, "sweep", sweep.name, "--workers", "1", expect="key 'name'", file="named_sweep.toml")


def test_a_file_name_that_is_not_a_usable_name_needs_a_name_key(here, capsys):
    file = write(here / "my scenario.toml", "steps = 6\n")
    refused(capsys, here, "run", file.name, *TINY, expect="'my scenario' is not a usable name", file="my scenario")


def test_a_scenario_cannot_take_the_name_of_a_comparisons_own_files(here, capsys):
    for name in ("plots", "Manifest.json", "comparison.csv"):
        file = write(here / "clash.toml", SCENARIO.replace('"mine"', f'"{name}"'))
        refused(capsys, here, "compare", "baseline", file.name, *TINY, expect="collide", file="clash.toml")


def test_a_long_output_folder_name_is_refused_and_nothing_is_created(here, capsys):
    refused(capsys, here, "run", *TINY, "--out", f"new/{'x' * 300}", expect="at most 237", file="new/")


def test_a_comparison_of_long_names_gets_a_short_default_folder():
    names = [f"scenario_{i}_{'x' * 60}" for i in range(3)]
    assert comparison_name(names) == f"{names[0]}_vs_2_others"
    assert comparison_name(["a", "b"]) == "a_vs_b"


# -- 4. what the run needs is checked before the work -----------------------------------------------------------

MINI_WORLD = """\
[actors.IND]
name = "India"
[actors.USA]
name = "United States"
[trust.IND.USA]
initial = 0.6
low = 0.5
high = 0.7
inferred = "a test world"
[trust.USA.IND]
initial = 0.55
low = 0.5
high = 0.7
inferred = "a test world"
[moves.dialogue]
cameo = "040"
goldstein = 1.0
credibility = 0.3
inferred = "a test world"
[background.USA.IND]
dialogue = 0.3
"""


@pytest.fixture
def two_actor_world(here: Path) -> Path:
    """A scenario of a world with India and the US only (no Pakistan, hence no alignment)."""
    write(here / "mini_world.toml", MINI_WORLD)
    return write(here / "mini.toml", 'name = "mini"\nworld = "mini_world.toml"\nsteps = 6\nreplications = 3\n')


def test_comparing_scenarios_of_different_actors_is_refused_before_any_work(here, capsys, two_actor_world):
    line = refused(capsys, here, "compare", "baseline", "mini.toml", *TINY, expect="same actors", file="mini.toml")
    assert "IND, USA" in line
    with pytest.raises(ConfigError, match="a comparison needs the same actors"):
        sim.compare(["baseline", two_actor_world])


def test_a_world_without_pakistan_runs_whole_without_alignment(here, capsys, two_actor_world):
    assert main(["run", "mini.toml", "--out", "out", "--no-plots"]) == 0, capsys.readouterr().err
    files = {p.name for p in (here / "out").iterdir()}
    assert {"summary.csv", "moves.csv", "events.csv", "trajectories.nc", "manifest.json"} <= files
    assert "alignment.csv" not in files
    assert main(["plot", "out"]) == 0
    assert capsys.readouterr().err == ""  # no warnings either (a world without hostile moves or events)
    assert sorted(p.name for p in (here / "out" / "plots").iterdir()) == [
        "activity.png",
        "trust_fan.png",
        "trust_network.png",
    ]
    results = sim.Results.load(here / "out" / "trajectories.nc")
    with pytest.raises(ConfigError, match="alignment needs actor PAK, CHN"):
        results.alignment()
    assert results.alignment(pivot="USA", east="IND", west="IND").notnull().all()


# -- 5. damaged result folders ----------------------------------------------------------------------------------


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


RUN_DAMAGE = {  # file damaged, how, what the message says (it names the damaged file, or the folder if one is gone)
    "summary cut short": ("summary.csv", _cut, "summary.csv"),
    "summary cut at a line break": (
        "summary.csv",
        lambda p: p.write_text("".join(p.read_text().splitlines(keepends=True)[:500])),
        "but its manifest says",  # the row count the manifest records
    ),
    "summary empty": ("summary.csv", lambda p: p.write_bytes(b""), "is empty"),
    "summary garbage": ("summary.csv", lambda p: p.write_bytes(bytes(range(256)) * 8), "summary.csv"),
    "summary wrong columns": ("summary.csv", lambda p: p.write_text("a,b\n1,2\n"), "lacks the column"),
    "summary a word for a number": (
        "summary.csv",
        lambda p: p.write_text(p.read_text().replace("0.3", "zero point three", 1)),
        "not a number",
    ),
    "summary rows repeated": ("summary.csv", lambda p: p.write_text(p.read_text() * 2), "summary.csv"),
    "alignment missing": ("alignment.csv", lambda p: p.unlink(), "no alignment.csv"),
    "moves cut short": ("moves.csv", _cut, "moves.csv"),
    "events cut at a line break": (
        "events.csv",
        lambda p: p.write_text("".join(p.read_text().splitlines(keepends=True)[:-3])),
        "events.csv",
    ),
    "manifest not JSON": ("manifest.json", lambda p: p.write_text("{"), "is not valid JSON"),
    "manifest without steps": (
        "manifest.json",
        lambda p: p.write_text(json.dumps({k: v for k, v in json.loads(p.read_text()).items() if k != "steps"})),
        "has no valid 'steps'",
    ),
    "manifest a list": ("manifest.json", lambda p: p.write_text("[1, 2]"), "is not a JSON object"),
}


@pytest.mark.parametrize("case", RUN_DAMAGE, ids=list(RUN_DAMAGE))
def test_plot_of_a_damaged_run_folder_names_the_file(here, capsys, case):
    name, damage, expect = RUN_DAMAGE[case]
    shutil.copytree(ROOT / "results" / "examples" / "baseline", here / "run")
    damage(here / "run" / name)
    refused(capsys, here, "plot", "run", expect=expect, file="run" if case == "alignment missing" else f"run/{name}")


COMPARE_DAMAGE = {
    "comparison cut short": ("comparison.csv", _cut),
    "comparison cut at a line break": (
        "comparison.csv",
        lambda p: p.write_text("".join(p.read_text().splitlines(keepends=True)[:20])),
    ),
    "steps cut at a line break": (
        "comparison_steps.csv",
        lambda p: p.write_text("".join(p.read_text().splitlines(keepends=True)[:1000])),
    ),
    "steps empty": ("comparison_steps.csv", lambda p: p.write_bytes(b"")),
}


@pytest.mark.parametrize("case", COMPARE_DAMAGE, ids=list(COMPARE_DAMAGE))
def test_plot_of_a_damaged_comparison_names_the_file_and_draws_nothing(here, capsys, case):
    name, damage = COMPARE_DAMAGE[case]
    shutil.copytree(ROOT / "results" / "examples" / "compare", here / "cmp")
    damage(here / "cmp" / name)
    refused(capsys, here, "plot", "cmp", expect=name, file=f"cmp/{name}")


@pytest.fixture(scope="module")
def trajectories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sim.run("baseline", replications=3, steps=6).save(tmp_path_factory.mktemp("nc") / "run.nc")


@pytest.mark.parametrize(
    ("damage", "expect"),
    [
        (_cut, "cannot be read as netCDF-4"),
        (lambda p: p.write_bytes(b""), "cannot be read as netCDF-4"),
        (lambda p: p.write_bytes(b"CDF\x01" + bytes(500)), "cannot be read as netCDF-4"),
        (
            lambda p: __import__("xarray").Dataset({"x": ("a", [1, 2])}).to_netcdf(p, engine="h5netcdf"),
            "is not diplosim trajectories (no trust, moves, events, config, seed)",
        ),
    ],
    ids=["cut short", "empty", "garbage", "another netCDF"],
)
def test_results_load_of_a_damaged_file_names_it(tmp_path, trajectories, damage, expect):
    path = tmp_path / "damaged.nc"
    shutil.copy(trajectories, path)
    damage(path)
    with pytest.raises(ConfigError) as info:
        sim.Results.load(path)
    assert info.value.file == str(path) and expect in str(info.value)
    assert sim.Results.load(trajectories).trust.shape == (3, 7, 4, 4)
    with pytest.raises(FileNotFoundError, match=r"missing\.nc"):
        sim.Results.load(tmp_path / "missing.nc")


# -- 6. sweeps --------------------------------------------------------------------------------------------------


def test_sampled_values_on_a_whole_number_path_are_rounded_and_reported_as_run(here):
    vary = [{"path": "policies.usa_pressure.start", "low": 1.0, "high": 5.0}]
    sweep = sim.sweep.load({"scenario": "us_pressure", "design": "lhs", "samples": 6, "steps": 6, "vary": vary})
    starts = sweep.points[:, 0]
    assert np.array_equal(starts, np.round(starts)) and len(set(starts)) > 1
    table = sim.sweep.run(sweep, workers=1).table
    assert table["policies.usa_pressure.start"].tolist() == starts.tolist()


def test_a_run_too_big_for_memory_is_refused_before_any_work(here, capsys, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 100_000_000)
    with pytest.raises(ConfigError, match=r"100,000 replications x 121 months of baseline need about .* GB"):
        sim.run("baseline", replications=100_000)
    line = refused(capsys, here, "compare", "baseline", "dialogue", "-r", "20000", expect="2 runs of 20,000", file=None)
    assert "100 MB free" in line
    assert main(["run", *TINY, "--out", "small"]) == 0  # a small run still fits


def test_a_short_sweep_with_the_default_last_reruns_from_its_resolved_file(here, capsys):
    write(here / "short.toml", SWEEP.replace("last = 3\n", ""))  # 6 steps, and `last` left at its default (12)
    assert main(["sweep", "short.toml", "--workers", "1", "--no-plots", "--out", "first"]) == 0
    assert main(["sweep", "first/sweep.toml", "--workers", "1", "--no-plots", "--out", "again"]) == 0
    assert (here / "again" / "sweep.csv").read_bytes() == (here / "first" / "sweep.csv").read_bytes()
    write(here / "long_last.toml", SWEEP.replace("last = 3", "last = 7"))
    refused(capsys, here, "sweep", "long_last.toml", expect="last = 7 is more than the 6 steps", file="long_last")


def test_a_design_too_big_for_memory_is_refused_before_it_is_built(here, capsys, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 2_000_000_000)
    alpha = '\n[[vary]]\npath = "parameters.alpha"\nlow = 0.0\nhigh = 1.0\n'
    grid = SWEEP.replace("values = [0.0, 0.2]", "low = 0.0\nhigh = 1.0\nnum = 100000") + alpha + "num = 1000\n"
    write(here / "big.toml", grid)
    line = refused(capsys, here, "sweep", "big.toml", "--workers", "1", expect="100,000,000 points", file="big.toml")
    assert "2 GB free" in line and "key 'vary'" in line
    sobol = SWEEP.replace("values = [0.0, 0.2]", "low = 0.0\nhigh = 0.5").replace(
        "last = 3", "last = 3\nsamples = 8388608"
    )
    write(here / "sobol.toml", 'design = "sobol"\n' + sobol + alpha)
    refused(capsys, here, "sweep", "sobol.toml", "--workers", "1", expect="key 'samples'", file="sobol.toml")


def test_validate_understands_sweep_files_and_run_refuses_them(here, capsys):
    file = write(here / "sweep.toml", SWEEP)
    assert main(["validate", "sweep.toml", str(ROOT / "scenarios" / "sweeps" / "beta_blocs.toml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0] == "ok  sweep.toml  (sweep sweep: grid over 1 number of baseline, 2 points x 4 replications, 6 months)"
    )
    assert len(out) == 2 and "sweep beta_blocs" in out[1]
    refused(capsys, here, "run", file.name, *TINY, expect="is a sweep file, not a scenario", file="sweep.toml")
    write(here / "mine.toml", SCENARIO)
    refused(capsys, here, "sweep", "mine.toml", "--workers", "1", expect="is a scenario file, not a sweep", file="mine")


def _wait_for(predicate, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the sweep ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} after {timeout} s"
        time.sleep(0.05)


LONG_SWEEP = """\
scenario = "baseline"
replications = 300
steps = 120
chunk = 300
outcomes = ["trust_PAK_USA"]

[[vary]]
path = "parameters.beta"
low = 0.0
high = 0.5
num = 40
"""


def test_sigterm_stops_a_sweep_with_143_and_keeps_its_chunks(tmp_path):
    file = write(tmp_path / "long.toml", LONG_SWEEP)
    out = tmp_path / "out"
    args = [*DIPLOSIM, "sweep", str(file), "--workers", "1", "--no-plots", "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: any(store_dir(out).glob("chunks/chunk-*.npz")), proc, "first chunk")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    line = one_line(err)
    assert "terminated after" in line and "--resume" in line and str(store_dir(out)) in line
    assert not out.exists() and any(store_dir(out).glob("chunks/chunk-*.npz"))


def _descendants(pid: int) -> set[int]:
    """Processes below `pid` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the worker processes")
def test_workers_die_with_a_sweep_killed_by_sigkill(tmp_path):
    file = write(tmp_path / "long.toml", LONG_SWEEP)
    out = tmp_path / "out"
    args = [*DIPLOSIM, "sweep", str(file), "--workers", "2", "--no-plots", "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: any(store_dir(out).glob("chunks/chunk-*.npz")), proc, "first chunk")
    workers = _descendants(proc.pid)
    assert len(workers) >= 2, "no worker processes found"
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)], "worker processes outlived the sweep"


# -- 7. schedules that can never act; empty files ---------------------------------------------------------------

NEVER = {
    "policy with probability 0": (
        '[[policies]]\nactor = "USA"\nmove = "dialogue"\ntarget = "PAK"\nprobability = 0.0\n',
        "key 'policies[0].probability': probability 0: this policy can never act",
    ),
    "rule with probability 0": (
        '[[rules]]\nactor = "PAK"\non = "trust_below"\nabout = "USA"\nthreshold = 0.2\nprobability = 0\n'
        'respond = [{ move = "dialogue", target = "USA" }]\n',
        "key 'rules[0].probability'",
    ),
    "new event with shocks but neither rate nor date": (
        '[events.skirmish]\ninferred = "test"\nshocks = [{ observer = "IND", target = "PAK", delta = -0.5 }]\n',
        "key 'events.skirmish': event 'skirmish' can never happen",
    ),
    "world event changed but never scheduled": (
        '[events.us_administration_change]\nshocks = [{ observer = "USA", target = "PAK", delta = 0.1 }]\n',
        "event 'us_administration_change' can never happen",
    ),
    "empty file": ("", "the file is empty"),
    "only comments": ("# nothing yet\n\n   # really nothing\n", "the file is empty"),
}


@pytest.mark.parametrize("case", NEVER, ids=list(NEVER))
def test_schedules_that_can_never_act_and_empty_files_are_errors(here, capsys, case):
    text, expect = NEVER[case]
    file = write(here / "never.toml", (SCENARIO if text.strip() and not text.startswith("#") else "") + text)
    refused(capsys, here, "run", file.name, *TINY, expect=expect, file="never.toml")


def test_a_scenario_may_switch_a_world_event_off(here, capsys):
    write(here / "off.toml", SCENARIO + "[events.terror_attack_india]\nrate = 0.0\n")
    assert main(["run", "off.toml", "--replications", "20", "--steps", "24", "--out", "out", "--no-plots"]) == 0
    events = pd.read_csv(here / "out" / "events.csv")
    assert events.loc[events["event"] == "terror_attack_india", "mean_count"].sum() == 0
    assert events.loc[events["event"] == "ttp_attack_pakistan", "mean_count"].sum() > 0


# -- 8. the Python API checks like the command line -------------------------------------------------------------

SAME_WORDS = [
    ({"replications": 0}, ["--replications", "0"], "must be at least 1, got 0"),
    ({"steps": -1}, ["--steps", "-1"], "must be at least 1, got -1"),
    ({"steps": 2.5}, ["--steps", "2.5"], "must be a whole number, got"),
    ({"replications": 2.5}, ["--replications", "2.5"], "must be a whole number, got"),
    ({"seed": -1}, ["--seed", "-1"], "must be between 0 and 2**63 - 1, got -1"),
    ({"seed": 2**70}, ["--seed", str(2**70)], f"must be between 0 and 2**63 - 1, got {2**70}"),
    ({"steps": 200_000}, ["--steps", "200000"], "key 'steps': Input should be less than or equal to 100000"),
    (
        {"steps": 12, "scenario": "crisis_shock"},
        ["crisis_shock", "--steps", "12"],
        "is after the last step (12: 2025-12)",
    ),
]


@pytest.mark.parametrize(("kwargs", "args", "words"), SAME_WORDS, ids=[w for _, _, w in SAME_WORDS])
def test_python_arguments_are_checked_with_the_command_lines_words(here, capsys, kwargs, args, words):
    kwargs = dict(kwargs)
    scenario = kwargs.pop("scenario", "baseline")
    with pytest.raises(ConfigError) as info:
        sim.run(scenario, **kwargs)
    assert words in str(info.value)
    command = ["run", *args] if args[0] == "crisis_shock" else ["run", "baseline", *args]
    assert words in refused(capsys, here, *command, expect="", file=None)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"replications": "10"}, "key 'replications': must be a whole number, got '10'"),
        ({"steps": True}, "key 'steps': must be a whole number, got True"),
        ({"seed": "x"}, "key 'seed': must be a whole number, got 'x'"),
        ({"seed": 1.0}, "key 'seed': must be a whole number, got 1.0"),
        ({"replications": [1, 1]}, "distinct indices"),
        ({"replications": []}, "distinct indices"),
        ({"replications": [0, -3]}, "distinct indices"),
        ({"replications": [0, 1.5]}, "each replication index must be a whole number, got 1.5"),
        ({"alfa": 0.3}, "unknown parameter 'alfa'"),
    ],
)
def test_python_arguments_the_command_line_cannot_give_are_checked_too(kwargs, words):
    with pytest.raises(ConfigError) as info:
        sim.run("baseline", **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("scenarios", "words"),
    [
        ([], "give at least two scenarios"),
        (["baseline"], "give at least two scenarios"),
        ("baseline", "give a list of scenarios"),
        (["baseline", "baseline"], "scenario 'baseline' is given twice"),
    ],
)
def test_compare_checks_its_scenarios(scenarios, words):
    with pytest.raises(ConfigError) as info:
        sim.compare(scenarios)
    assert words in str(info.value)


def test_settings_given_to_the_api_are_recorded_in_the_results():
    res = sim.run("baseline", replications=3, steps=5, seed=11)
    assert (res.scenario.steps, res.scenario.replications, res.scenario.seed, res.seed) == (5, 3, 11, 11)
    assert res.trust.sizes["step"] == 6


# -- 9. messages that name the right thing ----------------------------------------------------------------------


def test_a_new_actor_without_its_dyads_names_the_users_file(here, capsys):
    write(here / "afg.toml", SCENARIO + '[actors.AFG]\nname = "Afghanistan"\n')
    line = refused(capsys, here, "validate", "afg.toml", expect="no trust given for PAK -> AFG", file="afg.toml")
    assert "world.toml" not in line


@pytest.mark.parametrize(
    ("world", "expect"),
    [
        ('"self.toml"', "points at this scenario file itself"),
        ('"folder"', "'folder' is a folder, not a world file"),
        ('"other.toml"', "'other.toml' is a scenario, not a world file"),
        ('"missing.toml"', "world file 'missing.toml' not found"),
    ],
)
def test_a_world_that_is_not_a_world_file_says_what_it_is(here, capsys, world, expect):
    (here / "folder").mkdir()
    write(here / "other.toml", SCENARIO)
    write(here / "self.toml", SCENARIO + f"world = {world}\n")
    refused(capsys, here, "validate", "self.toml", expect=expect, file="self.toml")


def test_a_world_file_on_its_own_is_its_status_quo(here, capsys):
    assert main(["validate", "world.toml"]) == 0
    assert "ok  world.toml  (world: 4 actors, 0 policies" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    ["a = " + "[" * 5000 + "]" * 5000 + "\n", "a = " + "{ b = " * 100 + "1" + " }" * 100 + "\n"],
    ids=["deep arrays", "deep inline tables"],
)
def test_deeply_nested_files_are_a_clear_error_not_a_recursion_error(here, capsys, text):
    write(here / "deep.toml", SCENARIO + text)
    refused(capsys, here, "validate", "deep.toml", expect="nested more than 32 levels deep", file="deep.toml")
    write(here / "deep_sweep.toml", SWEEP.replace("[[vary]]", text + "\n[[vary]]"))
    refused(capsys, here, "sweep", "deep_sweep.toml", "--workers", "1", expect="nested more than 32", file="deep_")


# -- the last resort ---------------------------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_naming_a_saved_report(here, capsys, monkeypatch):
    def broken(args):
        raise KeyError("a bug")

    monkeypatch.setattr(cli_files, "_list", broken)
    monkeypatch.setattr("tempfile.tempdir", str(here))
    assert main(["list"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("diplosim: internal error: KeyError: 'a bug'; the full report is in ")
    report = Path(line.split("the full report is in ")[1].split(" (please")[0])
    assert report.parent == here and report.name.startswith("diplosim-crash-")
    text = report.read_text()
    assert "Traceback" in text and "KeyError: 'a bug'" in text and "command: diplosim list" in text


def test_an_unwritable_place_for_the_report_is_still_one_line(here, capsys, monkeypatch):
    monkeypatch.setattr(cli_files, "_list", lambda args: 1 / 0)
    monkeypatch.setattr("tempfile.tempdir", str(here / "nowhere"))
    assert main(["list"]) == 1
    line = one_line(capsys.readouterr().err)
    assert "ZeroDivisionError" in line and "the report could not be saved" in line


def test_no_traceback_reaches_the_user_of_a_real_process(tmp_path):
    """The console script's own process: even an interpreter-level failure inside a command is one line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys, sim.cli.files as f, sim.cli.main as c; f._show = lambda a: [][1]; sys.exit(c.main(['show', 'x']))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "IndexError" in one_line(done.stderr)


def test_a_stop_signal_whose_exception_was_swallowed_still_stops_the_commit(tmp_path):
    """A Ctrl-C or SIGTERM raised inside a finalizer is only printed by Python; the output is still not published."""
    from sim.outputs import folder as output
    from sim.util import interrupts

    interrupts.clear_stop()
    try:
        with pytest.raises(interrupts.Terminated), output.atomic_output(tmp_path / "out") as folder:
            (folder / "x.csv").write_text("a\n")
            with contextlib.suppress(interrupts.Terminated):  # as a finalizer would: printed, not propagated
                interrupts.raise_terminated(signal.SIGTERM, None)
        assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []
    finally:
        interrupts.clear_stop()
    with output.atomic_output(tmp_path / "out") as folder:  # once cleared, commits work again
        (folder / "x.csv").write_text("a\n")
    assert (tmp_path / "out" / "x.csv").is_file()


def test_a_swallowed_stop_signal_ends_a_simulation_within_a_step():
    """Not only at the commit: the run itself stops at its next step instead of running on to the end."""
    from sim.core.model import DiplomacyModel

    model = DiplomacyModel(config.load_scenario("baseline"), 4, rng=1, steps=120)
    interrupts.clear_stop()
    try:
        with contextlib.suppress(KeyboardInterrupt):  # as a finalizer would: printed, not propagated
            interrupts.raise_interrupted(signal.SIGINT, None)
        with pytest.raises(KeyboardInterrupt):
            model.run()
    finally:
        interrupts.clear_stop()
    assert model.steps == 0
    model.run()  # once cleared, the run goes on to its end
    assert model.steps == 120


def test_a_stop_signal_raised_in_a_finalizer_is_not_printed(monkeypatch, capsys):
    """Python would print it as "Exception ignored in ..." with a traceback, beside the command's one line; it is
    remembered and raised again instead. Other exceptions in finalizers are still reported."""
    import weakref

    class Thing:
        pass

    def finalize(action) -> None:
        thing = Thing()
        ref = weakref.ref(thing, lambda _: action())
        del thing  # the callback runs here; what it raises is "unraisable"
        assert ref() is None

    def bad() -> None:
        raise ValueError("a bug in a finalizer")

    monkeypatch.setattr(sys, "unraisablehook", interrupts.quiet_unraisable)
    interrupts.clear_stop()
    try:
        finalize(lambda: interrupts.raise_terminated(signal.SIGTERM, None))
        assert capsys.readouterr().err == ""
        with pytest.raises(interrupts.Terminated):
            interrupts.check_stop()
    finally:
        interrupts.clear_stop()
    finalize(bad)
    assert "a bug in a finalizer" in capsys.readouterr().err
