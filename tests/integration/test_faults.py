"""A disk that fills up during a run, a comparison and a sweep: exit 1 with one line naming the file, nothing
half-written left behind, and the same command (a sweep: `--resume`) succeeds once there is room again.

The disk is a 4 MB tmpfs mounted for the test (root only); almost all of it is taken by a ballast file so that
the command runs out of space part way, and deleting the ballast frees the space. The failing commands
run in subprocesses, as users run them, so a crash at interpreter exit (as h5py used to cause) would show as
well; the recovery runs in this process (faster).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sim
import sim.sweep
from sim.cli.main import main
from sim.outputs.resumable import store_dir

DIPLOSIM = [sys.executable, "-c", "from sim.cli.main import console; console()"]
SWEEP = """\
scenario = "baseline"
replications = 40
seed = 5
steps = 60
chunk = 40
trajectories = true
outcomes = ["trust_PAK_USA", "alignment"]

[[vary]]
path = "parameters.beta"
low = 0.0
high = 0.7
num = 8
"""


@pytest.fixture
def disk(tmp_path: Path):
    """A 4 MB tmpfs of its own, unmounted afterwards; the test is skipped where mounting is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, room: int) -> Path:
    """Take all but `room` bytes of the disk with a ballast file."""
    stat = os.statvfs(disk)
    ballast = disk / "ballast"
    with open(ballast, "wb") as fh:
        fh.write(bytes(stat.f_bavail * stat.f_frsize - room))
    return ballast


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DIPLOSIM, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    return lines[0]


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--replications", "400", "--steps", "24", "--no-plots"],
        ["compare", "baseline", "dialogue", "--replications", "200", "--steps", "24", "--no-plots"],
    ],
    ids=["run", "compare"],
)
def test_a_full_disk_is_exit_1_one_line_and_nothing_half_written(disk, tmp_path, command, capsys):
    ballast = fill(disk, room=300_000)  # the tables fit; the trajectories (about 1 MB) do not
    out = disk / "results" / "out"
    done = run(*command, "--out", out, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "No space left on device" in line and str(out) in line and "free some space" in line
    assert files(disk) == {"ballast"}  # no .partial folder, no results/ parent it had created
    ballast.unlink()
    assert main([*command, "--out", str(out), "--quiet"]) == 0, capsys.readouterr().err
    assert (out / "manifest.json").is_file() and not [p for p in out.parent.iterdir() if p.name.startswith(".")]
    trajectories = sorted(out.rglob("trajectories.nc"))
    assert trajectories and all(sim.Results.load(p).trust.sizes["step"] == 25 for p in trajectories)


def test_a_sweep_on_a_full_disk_keeps_whole_chunks_and_resumes_once_there_is_room(disk, tmp_path, capsys):
    file = tmp_path / "sweep.toml"
    file.write_text(SWEEP)
    reference = sim.sweep.run(file, out=tmp_path / "reference", workers=1, figures=False).out / "sweep.csv"

    ballast = fill(disk, room=900_000)  # about three of the eight points' trajectories fit
    out = disk / "sweep"
    args = ["sweep", str(file), "--no-plots", "--out", str(out)]
    done = run(*args, "--workers", "2", cwd=tmp_path)  # stopping a process pool is the harder case
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "No space left on device" in line and str(store_dir(out)) in line and "--resume" in line
    kept = files(store_dir(out))
    assert not out.exists() and not [name for name in kept if name.endswith(".tmp") or "/." in name]
    chunks = [name for name in kept if name.startswith("chunks/chunk-")]
    assert 1 <= len(chunks) < 8, kept

    ballast.unlink()
    assert main([*args, "--workers", "1", "--resume"]) == 0, capsys.readouterr().err
    assert (out / "sweep.csv").read_bytes() == reference.read_bytes()
    assert len(list((out / "trajectories").glob("*.nc"))) == 8
    assert not store_dir(out).exists()


@pytest.mark.parametrize("command", ["plot", "report"])
def test_plot_and_report_on_a_full_disk_name_the_file_and_leave_nothing(disk, tmp_path, command):
    """Figures and the report are written atomically; on a full disk the line names the file written, and the
    folders made for them are gone."""
    ballast = fill(disk, room=40_000)  # less than one figure or the report (with its figures inside)
    out = disk / "made" / ("figures" if command == "plot" else "report.html")
    folder = Path(__file__).resolve().parents[2] / "results" / "examples" / "baseline"
    done = run(command, folder, "--out", out, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "No space left on device" in line and str(out) in line and "free some space" in line, line
    assert files(disk) == {"ballast"}
    ballast.unlink()
