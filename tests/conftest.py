"""Shared fixtures: scenario runs are cached per session so the face-validity tests share one baseline.

The calibration cache (sim/diskcache.py) goes to a folder of this test run, inherited by every subprocess: the
tests (and the pytest-xdist workers) share one calibration per world without touching the user's cache.
"""

from __future__ import annotations

import compileall
import contextlib
import fcntl
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

import sim

FACE_REPLICATIONS = 300
FACE_STEPS = 120
FACE_SEED = 7


@pytest.fixture(scope="session", autouse=True)
def compiled_package() -> None:
    """Byte-compile `sim` once, as Python does on import unless PYTHONDONTWRITEBYTECODE is set (as on some CI
    machines): otherwise each of the tests' `diplosim` subprocesses compiles it again (0.1 s of CPU each)."""
    if sys.flags.dont_write_bytecode:
        compileall.compile_dir(Path(sim.__file__).parent, quiet=1)


@pytest.fixture(scope="session", autouse=True)
def calibration_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Path]:
    # Under pytest-xdist every worker is a session of its own: they share one folder in the run's common
    # temporary root (the cache is safe under concurrent writers), so each world is calibrated once per test run.
    root = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    folder = root / "diplosim-cache"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIPLOSIM_CACHE_DIR", str(folder))
        patch.delenv("DIPLOSIM_CACHE", raising=False)
        yield folder


@pytest.fixture(scope="session", autouse=True)
def compiled_engine(calibration_cache: Path) -> None:
    """Compile the engine once into its cache folder before any test runs it, so that neither the tests nor
    their `diplosim` subprocesses compile it again; xdist workers take turns (a file lock), the first compiles
    and the others load what it wrote."""
    from sim.core.model import compile_entry_points

    with open(calibration_cache / "compile.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        compile_entry_points()


@cache
def face_run(name: str) -> sim.Results:
    """A scenario over FACE_REPLICATIONS replications with common random numbers (same seed for all)."""
    return sim.run(name, replications=FACE_REPLICATIONS, steps=FACE_STEPS, seed=FACE_SEED)


@pytest.fixture
def scenario_file(tmp_path):
    """Write a scenario TOML next to a copy of the world file and return its path."""
    from sim.scenario.load import scenario_path

    world = scenario_path("baseline").parent / "world.toml"
    (tmp_path / "world.toml").write_text(world.read_text())

    def write(text: str, name: str = "case.toml"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


class Served:
    """A `diplosim app` server started by a test: its URL, its port, its log file, and the lines it has printed."""

    def __init__(self, url: str, port: int, log: Path) -> None:
        import threading

        self.url, self.port, self.log = url, port, log
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def add(self, line: str) -> None:
        with self.changed:
            self.lines.append(line)
            self.changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60.0) -> bool:
        """Whether the server prints a line containing `text` within `timeout` seconds (woken by each new line)."""
        with self.changed:
            return self.changed.wait_for(lambda: any(text in line for line in self.lines), timeout)


@pytest.fixture(scope="session")
def serve_app():
    """Start `python -m sim app ARGS` in a folder and wait for its readiness line (the banner it prints once it
    listens, never a sleep); its output goes to folder/server.log, which is complete once the block ends. Use as
    `with serve_app(folder, *args) as served`.
    """
    import contextlib
    import os
    import socket
    import subprocess
    import threading

    root = Path(__file__).resolve().parents[1]

    @contextlib.contextmanager
    def start(folder: Path, *args: str, timeout: float = 180.0) -> Iterator[Served]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "sim", "app", *args, "--port", str(port)]
        env = {**os.environ, "PYTHONPATH": str(root), "PYTHONUNBUFFERED": "1"}
        served = Served(f"http://127.0.0.1:{port}/", port, folder / "server.log")
        server = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def copy() -> None:  # the server's output to the log, line by line
            with open(served.log, "w", encoding="utf-8") as out:
                for raw in server.stdout:
                    line = raw.decode("utf-8", "replace")
                    out.write(line)
                    out.flush()
                    served.add(line)
            served.add("")  # the server ended (a printed line is never empty): wake whoever waits

        copier = threading.Thread(target=copy, daemon=True)
        copier.start()
        try:
            with served.changed:  # the banner, printed once the server listens, or the server's end
                served.changed.wait_for(
                    lambda: bool(served.lines) and (_ready(served) or served.lines[-1] == ""), timeout
                )
            if not _ready(served):
                raise RuntimeError(f"the app did not start (exit {server.poll()}): {''.join(served.lines)}")
            yield served
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            copier.join(timeout=30)  # every line is in the log file

    return start


def _ready(served: Served) -> bool:
    return any(line.startswith("diplosim app: http://") for line in served.lines)


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 1) -> Iterator[Callable[[], str]]:
    """A Dask scheduler and `workers` one-thread workers, started the way a cluster's user starts them (`dask
    scheduler`, `dask worker`), in processes of their own: none of distributed's threads run in the test process,
    which forks. Yields a function that waits for the scheduler file and returns the scheduler's address (the
    workers find the scheduler through that file; tasks wait for them to join)."""
    folder.mkdir()
    info = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    scheduler = [*dask, "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)]
    worker = [*dask, "worker", "--scheduler-file", str(info), "--nthreads", "1", "--no-nanny", "--no-dashboard"]
    quiet = {"cwd": folder, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [subprocess.Popen(command, **quiet) for command in (scheduler, *[worker] * workers)]

    def address() -> str:
        deadline = time.monotonic() + 120
        while not info.exists() or not info.read_text().strip().endswith("}"):
            assert started[0].poll() is None and time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.05)
        return json.loads(info.read_text())["address"]

    try:
        yield address
    finally:
        for proc in reversed(started):
            proc.terminate()
            proc.wait(timeout=60)
