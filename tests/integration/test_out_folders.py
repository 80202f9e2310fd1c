"""Output folders under concurrency and links: default names never collide, a store another command still works
on is neither resumed nor replaced (and no hint suggests deleting it), and a symbolic link as `--out` is refused
before any work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.outputs import folder as folders
from sim.outputs.resumable import OWNER, Interrupted, store_dir, working

SWEEP = """\
name = "tiny"
scenario = "baseline"
replications = 2
seed = 3
steps = 4
last = 2
outcomes = ["trust_PAK_USA"]

[[vary]]
path = "parameters.beta"
values = [0.1, 0.3]
"""


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def test_default_folders_of_the_same_second_differ_and_skip_taken_names(tmp_path, monkeypatch) -> None:
    """Two commands started in the same second (say two calibrations) get different folders, so different
    stores of unfinished work; a name taken by a folder or a store is never chosen."""
    monkeypatch.setattr(folders, "timestamp", lambda: "20261128-185104")
    draws = iter(["aaaaaa", "aaaaaa", "bbbbbb", "cccccc"])
    monkeypatch.setattr(folders.secrets, "token_hex", lambda n: next(draws))
    first = folders.default_dir(tmp_path, "baseline")
    first.mkdir(parents=True)
    second = folders.default_dir(tmp_path, "baseline")  # "aaaaaa" is taken: the next draw
    store_dir(second).mkdir()  # an unfinished calibration took this one
    third = folders.default_dir(tmp_path, "baseline")
    assert (first.name, second.name, third.name) == (
        "20261128-185104-aaaaaa",
        "20261128-185104-bbbbbb",
        "20261128-185104-cccccc",
    )


@pytest.fixture
def running() -> subprocess.Popen:
    """Another process, alive until the test ends (it waits for its input to close)."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield process
    process.stdin.close()
    process.wait()


def test_a_store_another_command_works_on_is_not_touched(tmp_path, monkeypatch, capsys, running) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.toml").write_text(SWEEP)
    out = tmp_path / "out"
    store = store_dir(out)
    store.mkdir()
    (store / "store.json").write_text(json.dumps({"fingerprint": "x"}))
    (store / OWNER).write_text(json.dumps({"pid": running.pid, "host": os.uname().nodename}))
    before = snapshot(tmp_path)
    for extra in ([], ["--force"], ["--resume"]):
        assert main(["sweep", "tiny.toml", "--out", str(out), "--workers", "1", *extra]) == 2
        line = one_line(capsys.readouterr().err)
        assert f"another command (process {running.pid}) is still working on the unfinished sweep" in line, line
        assert "--force" not in line and "--resume" not in line  # no hint to delete or take over its work
        assert snapshot(tmp_path) == before
    running.stdin.close()
    running.wait()
    assert working(store) is None  # it ended: the store may be replaced now
    assert main(["sweep", "tiny.toml", "--out", str(out), "--workers", "1", "--force", "-q"]) == 0
    assert (out / "sweep.csv").is_file() and not store.exists()


def test_a_stopped_command_leaves_its_store_to_any_other() -> None:
    """Interrupted (Ctrl-C, SIGTERM, a full disk) means the work stopped: the store no longer names its process."""
    root = Path(os.environ.get("TMPDIR", "/tmp")) / f".store-test-{os.getpid()}.unfinished"
    root.mkdir(exist_ok=True)
    try:
        (root / OWNER).write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename}))
        Interrupted(root, 1, 2)
        assert not (root / OWNER).exists()
    finally:
        for path in root.iterdir():
            path.unlink()
        root.rmdir()


@pytest.mark.parametrize("target", ["result", "dangling"])
def test_a_symlink_as_out_is_refused_before_any_work(tmp_path, monkeypatch, capsys, target) -> None:
    monkeypatch.chdir(tmp_path)
    real = tmp_path / "real"
    if target == "result":
        assert main(["run", "--replications", "2", "--steps", "2", "--no-plots", "--out", str(real), "-q"]) == 0
    link = tmp_path / "link"
    link.symlink_to(real)
    (tmp_path / "tiny.toml").write_text(SWEEP)
    before = snapshot(tmp_path)
    assert main(["run", "--replications", "2", "--steps", "2", "--no-plots", "--out", str(link), "--force"]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"{link}: is a symbolic link (to {real}), not a folder" in line and "give the folder" in line
    assert snapshot(tmp_path) == before  # no .link.*.old or .partial folder, the run's folder untouched
    assert main(["sweep", "tiny.toml", "--out", str(link), "--force", "--workers", "1"]) == 2
    assert "is a symbolic link" in one_line(capsys.readouterr().err) and snapshot(tmp_path) == before
