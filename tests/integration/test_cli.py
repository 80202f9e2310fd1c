"""The `diplosim` command, tested through the installed console script in subprocesses, as users run it.

Runs are small (20 replications, 24 months) so the module stays fast; figures are drawn in only a few tests.
"""

from __future__ import annotations

import json
import os
import re
import shlex
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
from sim.cli.main import main
from sim.scenario.essay import SENTENCES
from sim.scenario.load import list_scenarios

ROOT = Path(__file__).resolve().parents[2]
EXE = shutil.which("diplosim", path=str(Path(sys.executable).parent)) or shutil.which("diplosim")
DIPLOSIM = [EXE] if EXE else [sys.executable, "-m", "sim"]
SMALL = ["--replications", "20", "--steps", "24"]
HEAVY = {"numpy", "pandas", "xarray", "matplotlib", "mesa", "scipy"}
SUMMARY_COLUMNS = ["step", "date", "observer", "target", "mean", "p05", "p25", "p50", "p75", "p95"]
COMPARISON_COLUMNS = [
    *("scenario", "observer", "target", "mean", "p05", "p50", "p95"),
    *("diff", "diff_low", "diff_high", "diff_p05", "diff_p95", "p_above"),
]
OWN_COMMANDS = {"run", "compare", "validate", "list", "show", "plot", "report", "discover", "cache", "moves", "new"}


def cli(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `diplosim ARGS` in `cwd` and capture its output."""
    command = [*DIPLOSIM, *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, env=env)


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def one_line(stderr: str) -> str:
    """The single line a failing command prints (no traceback, no usage block)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory like a checkout: scenarios/ and the committed examples."""
    folder = tmp_path_factory.mktemp("work")
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    shutil.copytree(ROOT / "results" / "examples", folder / "results" / "examples")
    return folder


@pytest.fixture(scope="module")
def baseline_run(work: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One small baseline run with figures, shared by the tests that read its folder."""
    done = cli("run", *SMALL, "--out", "runs/base", cwd=work)
    assert done.returncode == 0, done.stderr
    return work / "runs" / "base", done


# ---------------------------------------------------------------------------------------------------------------
# Start-up: help and validation answer at once, without the numerical stack


@pytest.mark.parametrize(
    "args",
    [["--help"], ["run", "--help"], ["validate", "scenarios/dialogue.toml"], ["list"], ["show", "baseline"]],
    ids=lambda a: " ".join(a),
)
def test_quick_commands_do_not_import_the_numerical_stack(work: Path, args: list[str]) -> None:
    done = cli(*args, cwd=work, env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    imported = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s+(\S+)\s*$", done.stderr, re.M)}
    assert imported, "no import profile: is PYTHONPROFILEIMPORTTIME honoured?"
    assert not imported & HEAVY, f"`diplosim {' '.join(args)}` imported {sorted(imported & HEAVY)}"


def test_every_command_has_help_with_examples(work: Path) -> None:
    for command in sorted(OWN_COMMANDS):
        done = cli(command, "--help", cwd=work)
        assert done.returncode == 0 and "examples:" in done.stdout and f"diplosim {command}" in done.stdout
    top = cli("--help", cwd=work).stdout
    assert all(command in top for command in OWN_COMMANDS)


def test_python_dash_m_sim_is_the_same_command(work: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], cwd=work, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"diplosim {sim.__version__}"


# ---------------------------------------------------------------------------------------------------------------
# run


def test_run_writes_a_complete_result_folder(baseline_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, done = baseline_run
    assert "PAK -> USA" in done.stdout and "90% band" in done.stdout and "Wrote runs/base/" in done.stdout
    files = {"summary.csv", "alignment.csv", "moves.csv", "events.csv", "trajectories.nc", "scenario.toml"}
    assert files | {"manifest.json", "plots"} <= {p.name for p in folder.iterdir()}
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert len(summary) == 25 * 12 and set(summary["step"]) == set(range(25))
    bands = summary[["p05", "p25", "p50", "p75", "p95"]].to_numpy()
    assert ((bands >= 0) & (bands <= 1)).all() and (np.diff(bands, axis=1) >= -1e-12).all()
    assert list(pd.read_csv(folder / "alignment.csv").columns) == ["step", "date", "mean", *SUMMARY_COLUMNS[5:]]
    moves = ["step", "date", "actor", "move", "goldstein", "mean_count"]
    assert list(pd.read_csv(folder / "moves.csv").columns) == moves
    assert list(pd.read_csv(folder / "events.csv").columns) == ["step", "date", "event", "mean_count"]
    pngs = sorted(p.name for p in (folder / "plots").iterdir())
    assert pngs == ["activity.png", "alignment.png", "trust_fan.png", "trust_network.png"]
    assert all((folder / "plots" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "a temporary folder was left"


def test_manifest_records_how_the_run_was_made(baseline_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = baseline_run
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["command"] == "diplosim run " + " ".join(SMALL) + " --out runs/base"
    assert (manifest["seed"], manifest["replications"], manifest["steps"]) == (20261128, 20, 24)
    assert manifest["scenario"] == "baseline" and manifest["elapsed_seconds"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", manifest["started"])
    assert {"python", "diplosim", "mesa", "numpy", "pandas", "xarray"} <= set(manifest["versions"])
    assert set(manifest["files"]) == {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_scenario_toml_reproduces_the_run_exactly_in_a_default_folder(
    work: Path, baseline_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    folder, _ = baseline_run
    spec = sim.load_scenario(folder / "scenario.toml")
    assert (spec.steps, spec.replications, spec.seed) == (24, 20, 20261128)
    done = cli("run", folder / "scenario.toml", "--no-plots", "--quiet", cwd=work)  # to the default folder
    assert done.returncode == 0, done.stderr
    again_dir = work / done.stdout.strip()
    assert re.fullmatch(r"results/baseline/\d{8}-\d{6}-[0-9a-f]{6}", done.stdout.strip())
    assert (again_dir / "summary.csv").read_text() == (folder / "summary.csv").read_text()
    first, again = sim.Results.load(folder / "trajectories.nc"), sim.Results.load(again_dir / "trajectories.nc")
    assert first.trust.shape == (20, 25, 4, 4)
    np.testing.assert_array_equal(first.trust.values, again.trust.values)
    np.testing.assert_array_equal(first.moves.values, again.moves.values)
    assert not (again_dir / "plots").exists()


def test_never_overwrites_without_force(
    tmp_path: Path, baseline_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    shutil.copytree(baseline_run[0], tmp_path / "old")
    before = (tmp_path / "old" / "manifest.json").read_text()
    done = cli("run", *SMALL, "--out", "old", "--no-plots", cwd=tmp_path)
    assert done.returncode == 2 and "already exists" in one_line(done.stderr) and "--force" in done.stderr
    assert (tmp_path / "old" / "manifest.json").read_text() == before
    done = cli("run", *SMALL, "--seed", "5", "--out", "old", "--no-plots", "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "old" / "manifest.json").read_text())["seed"] == 5
    assert not (tmp_path / "old" / "plots").exists()  # replaced as a whole, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_force_never_replaces_a_folder_that_is_not_a_result(tmp_path: Path) -> None:
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.tex").write_text("precious")
    done = cli("run", *SMALL, "--out", "thesis", "--force", cwd=tmp_path)
    assert done.returncode == 2 and "refusing" in one_line(done.stderr)
    assert (tmp_path / "thesis" / "chapter1.tex").read_text() == "precious"


def start_and_wait_until(command: list[str], cwd: Path, wanted: str = "working") -> subprocess.Popen[str]:
    """Start a command (in a session of its own, like a job in a terminal) and return once it has reached state
    `wanted` (it writes its state to $DIPLOSIM_STATE_FILE), so that a signal sent next arrives at that stage
    however busy the machine is."""
    state = cwd / "state"
    env = {**os.environ, "DIPLOSIM_STATE_FILE": str(state)}
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if state.exists() and state.read_text() == wanted + "\n":
            state.unlink()
            return proc
        time.sleep(0.01)
    raise AssertionError(f"never reached {wanted!r}: {proc.stderr.read() if proc.poll() is not None else ''}")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_an_interrupted_run_leaves_nothing_that_looks_finished(tmp_path: Path, how: signal.Signals) -> None:
    # 20,000 replications: many seconds of simulation after the state file appears, so the signal cannot miss it
    command = [*DIPLOSIM, "run", "--replications", "20000", "--steps", "120", "--out", "out/run", "--no-plots"]
    proc = start_and_wait_until(command, tmp_path)
    assert [p.name.endswith(".partial") for p in (tmp_path / "out").iterdir()] == [True]
    proc.send_signal(how)
    _, stderr = proc.communicate(timeout=60)
    assert not (tmp_path / "out" / "run").exists()
    if how != signal.SIGKILL:
        assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[how]
        assert "unfinished output was removed" in one_line(stderr)
        assert not (tmp_path / "out").exists()  # the parent it created is gone too
        return
    # no chance to clean up: at most a hidden .partial folder, never a result; and the next run is unaffected
    assert all(p.name.startswith(".") and p.name.endswith(".partial") for p in (tmp_path / "out").iterdir())
    done = cli("run", *SMALL, "--out", "out/run", "--no-plots", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "run" / "manifest.json").is_file()


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_interrupted_while_drawing_it_ends_its_workers_and_leaves_nothing(tmp_path: Path, how: signal.Signals) -> None:
    out = f"out/drawn-{how.name}"  # unique: its workers, forked from the command, carry it on their command line
    command = [*DIPLOSIM, "run", *SMALL, "--out", out]
    proc = start_and_wait_until(command, tmp_path, "writing")
    if how == signal.SIGINT:  # Ctrl-C in a terminal reaches the whole process group: the command and its workers
        os.killpg(proc.pid, how)
    else:  # `kill PID` reaches the command alone
        proc.send_signal(how)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[how]
    assert "unfinished output was removed" in one_line(stderr)
    assert not (tmp_path / "out").exists()
    survivors = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if out.encode() in cmdline.read_bytes():
                survivors.append(cmdline.parent.name)
        except OSError:  # the process ended while we looked
            continue
    assert not survivors, f"processes still drawing: {survivors}"


# ---------------------------------------------------------------------------------------------------------------
# compare and plot


def test_compare_pairs_replications_and_reports_confidence_intervals(
    work: Path, baseline_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    done = cli("compare", "baseline", "dialogue", *SMALL, "--out", "runs/cmp", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "Difference from baseline" in done.stdout and "Wrote runs/cmp/" in done.stdout
    assert "difference [95% CI]" in done.stdout and "90% of replications" in done.stdout
    # run and compare print the same statistic for the same runs: median [90% band] of final trust
    printed = re.search(r"PAK -> USA\s+(\d\.\d{3} \[\S+ \S+\])", baseline_run[1].stdout).group(1)
    assert re.search(r"PAK -> USA\s+baseline\s+" + re.escape(printed), done.stdout)
    folder = work / "runs" / "cmp"
    table = pd.read_csv(folder / "comparison.csv")
    assert list(table.columns) == COMPARISON_COLUMNS and len(table) == 2 * 12
    assert table.loc[table["scenario"] == "baseline", "diff"].isna().all()
    runs = {name: sim.Results.load(folder / name / "trajectories.nc") for name in ("baseline", "dialogue")}
    final = {name: res.trust.sel(step=slice(13, 24)).mean("step") for name, res in runs.items()}
    paired = (final["dialogue"] - final["baseline"]).sel(observer="PAK", target="USA").values
    row = table.set_index(["scenario", "observer", "target"]).loc[("dialogue", "PAK", "USA")]
    half = 1.96 * paired.std(ddof=1) / np.sqrt(len(paired))
    np.testing.assert_allclose(
        [row["diff"], row["diff_low"], row["diff_high"]],
        [paired.mean(), paired.mean() - half, paired.mean() + half],
        rtol=1e-4,
        atol=1e-6,
    )
    steps = pd.read_csv(folder / "comparison_steps.csv")
    assert len(steps) == 2 * 25 * 12 and {"step", "scenario", "p25", "p75", "diff_low"} <= set(steps.columns)
    for name in ("baseline", "dialogue"):
        assert sim.load_scenario(folder / name / "scenario.toml").name == name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenarios"] == ["baseline", "dialogue"] and manifest["replications"] == 20
    names = sorted(p.name for p in (folder / "plots").iterdir())
    assert names == ["compare_difference.png", "compare_final.png", "compare_trust.png"]


# ---------------------------------------------------------------------------------------------------------------
# validate, list, show


def test_validate_reports_each_file(work: Path) -> None:
    (work / "broken.toml").write_text('name = "broken"\nstepz = 3\n')
    done = cli("validate", "scenarios/dialogue.toml", "broken.toml", "scenarios/us_pressure.toml", cwd=work)
    assert done.returncode == 2
    assert [line.split()[1] for line in done.stdout.splitlines()] == [
        "scenarios/dialogue.toml",
        "scenarios/us_pressure.toml",
    ]
    assert "broken.toml: key 'stepz': unknown key (hint: did you mean 'steps'?)" in one_line(done.stderr)
    assert cli("validate", "scenarios/dialogue.toml", cwd=work).returncode == 0


def test_list_shows_every_scenario_with_its_description(work: Path) -> None:
    done = cli("list", cwd=work)
    assert done.returncode == 0
    scenarios = done.stdout.split("\n\n")[0].splitlines()
    assert scenarios[0] == "Scenarios (diplosim run NAME):"
    rows = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in scenarios[1:])
    assert rows == list_scenarios()


def test_show_full_quotes_the_essay_and_is_a_valid_scenario(work: Path) -> None:
    done = cli("show", "dialogue", "--full", cwd=work)
    assert done.returncode == 0, done.stderr
    spec = sim.load_scenario("dialogue")
    text = " ".join(done.stdout.replace("#", " ").split())
    for obs, row in spec.world.trust.items():
        for tgt, dyad in row.items():
            assert f"[world.trust.{obs}.{tgt}]" in done.stdout
            for sid in dyad.evidence:
                assert f'{sid} "{" ".join(SENTENCES[sid].split())}"' in text
            if dyad.inferred:
                assert "inferred: " + " ".join(dyad.inferred.split()) in text
    (work / "shown.toml").write_text(done.stdout)
    assert sim.load_scenario(work / "shown.toml") == spec


def test_show_prints_only_what_the_scenario_changes_and_that_resolves_to_the_same_scenario(
    work: Path, scenario_file
) -> None:
    path = scenario_file(
        'name = "tweaked"\nworld = "world.toml"\nsteps = 48\n[parameters]\nbeta = 0.3\n'
        "[trust.PAK.USA]\ninitial = 0.3\n[events.terror_attack_india]\nat = [12]\n"
        '[[policies]]\nname = "talks"\nactor = "USA"\nmove = "dialogue"\ntarget = "PAK"\nevidence = ["P8.S3"]\n'
    )
    done = cli("show", path, cwd=work)
    assert done.returncode == 0, done.stderr
    full = cli("show", path, "--full", cwd=work).stdout
    assert len(done.stdout.splitlines()) < len(full.splitlines()) / 5
    for line in ("beta = 0.3", "[trust.PAK.USA]", "initial = 0.3", "[events.terror_attack_india]", 'name = "talks"'):
        assert line in done.stdout
    assert "alpha" not in done.stdout and "[world" not in done.stdout  # unchanged parameters and world stay out
    assert '[events.terror_attack_india]\nat = [\n    "2025-12",\n]\n\n' in done.stdout  # only the key it changes
    assert " ".join(SENTENCES["P8.S3"].split()) in " ".join(done.stdout.replace("#", " ").split())
    shown = path.parent / "shown.toml"
    shown.write_text(done.stdout)
    assert sim.load_scenario(shown) == sim.load_scenario(path)
    bundled = cli("show", "dialogue", cwd=work).stdout
    assert bundled.count("[[policies]]") == len(sim.load_scenario("dialogue").policies)
    assert len(bundled.splitlines()) < 120


def test_a_closed_pipe_is_not_an_error(work: Path) -> None:
    proc = subprocess.Popen([*DIPLOSIM, "show", "baseline"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    proc.wait(timeout=30)
    assert b"Traceback" not in proc.stderr.read() and proc.returncode in (0, 1)


# ---------------------------------------------------------------------------------------------------------------
# Bad input: exit code 2, one line on stderr, no traceback, nothing written

BAD_FILES = {
    "bad_syntax.toml": 'name = "x\n',
    "unknown_key.toml": 'name = "x"\nstepz = 10\n',
    "bad_number.toml": 'name = "x"\nsteps = "ten"\n',
    "not_a_number.toml": 'name = "x"\n[parameters]\nalpha = nan\n',
    "unknown_actor.toml": 'name = "x"\n[[policies]]\nactor = "PAK"\nmove = "dialogue"\ntarget = "RUS"\n',
}

BAD_INPUT = {
    "unknown scenario": (["run", "baselin"], "did you mean 'baseline'"),
    "invalid TOML": (["run", "bad_syntax.toml"], "not valid TOML"),
    "unknown key": (["run", "unknown_key.toml"], "unknown key"),
    "wrong type": (["run", "bad_number.toml"], "key 'steps'"),
    "NaN parameter": (["run", "not_a_number.toml"], "finite number"),
    "unknown actor": (["run", "unknown_actor.toml"], "unknown actor 'RUS'"),
    "negative replications": (["run", "--replications", "-5"], "must be at least 1"),
    "non-numeric steps": (["run", "--steps", "ten"], "must be a whole number"),
    "negative seed": (["run", "--seed", "-1"], "--seed"),
    "steps before a scheduled event": (["run", "crisis_shock", "--steps", "12"], "after the last step"),
    "missing file": (["run", "nowhere/else.toml"], "no such file"),
    "output folder exists": (["run", "--out", "existing"], "already exists"),
    "output is a file": (["run", "--out", "notes.txt", "--force"], "not a folder"),
    "compare needs two": (["compare", "baseline"], "at least two"),
    "compare the same twice": (["compare", "baseline", "baseline"], "given twice"),
    "plot a missing folder": (["plot", "results/nothing"], "no such folder"),
    "plot a folder that is no result": (["plot", "existing"], "not a result folder"),
    "network month outside the run": (["plot", "examples_copy", "--network-steps", "500"], "outside this run"),
    "validate a missing file": (["validate", "missing.toml"], "no such file"),
    "show an unknown scenario": (["show", "dialog"], "did you mean 'dialogue'"),
    "unknown command": (["simulate"], "invalid choice"),
    "unknown option": (["run", "--replicas", "5"], "unrecognized arguments"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, case: str) -> None:
    args, expected = BAD_INPUT[case]
    for name, text in BAD_FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing" / "keep.txt").write_text("mine")
    (tmp_path / "notes.txt").write_text("mine")
    shutil.copytree(ROOT / "results" / "examples" / "baseline", tmp_path / "examples_copy")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    message = one_line(done.stderr)
    assert expected in message and message.startswith("diplosim")
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


# ---------------------------------------------------------------------------------------------------------------
# The docs: every command README and the docs' pages show works


def readme_commands() -> list[list[str]]:
    """`diplosim ...` lines in the bash blocks of README and the docs' pages, for the commands this module covers."""
    # docs/history.md's commands stand for any dated scenario and series file: test_fit runs them on its own files
    pages = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "history.md")]
    blocks = [b for page in pages for b in re.findall(r"```bash\n(.*?)```", page.read_text(), re.S)]
    lines = [shlex.split(line, comments=True) for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return [w for w in lines if w and w[0] == "diplosim" and (w[1] in OWN_COMMANDS or w[1].startswith("-"))]


def test_readme_shows_every_command() -> None:
    assert {words[1] for words in readme_commands()} >= OWN_COMMANDS


@pytest.mark.slow
def test_every_readme_command_works(work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """In this process, through the console script's `main` (the subprocess path is tested above): the same
    commands, with small runs and no figures for run and compare."""
    monkeypatch.chdir(work)
    for words in readme_commands():
        extra = [*SMALL, "--no-plots"] if words[1] in ("run", "compare") else []
        try:
            code = main([*words[1:], *extra])
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code
        assert code == 0, f"{shlex.join(words)}: {capsys.readouterr().err}"
