"""Figures: fixed layouts that keep every panel and label inside the figure and clear of the others; drawn concurrently
with the same pixels as one at a time; and the job runner they use (sim.util.parallel)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import matplotlib as mpl
import pytest

from sim.figures import compare, run, style
from sim.outputs import figures as figure_jobs
from sim.outputs import read as folders
from sim.util import parallel
from tests.figure_layout import layout_problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "results" / "examples"


def figures(folder: str, fmt: str = "png") -> list[str]:
    meta = json.loads((EXAMPLES / folder / "manifest.json").read_text())
    t = (folders.read_comparison if folder == "compare" else folders.run_tables)(EXAMPLES / folder, meta)
    names = meta.get("actors", {})
    if folder == "compare":
        over_time, final = t["comparison_steps.csv"], t["comparison.csv"]
        return [
            compare.compare_chart(over_time, names=names, replications=500),
            compare.difference_chart(over_time, names=names, replications=500),
            compare.effects_chart(final, window=(109, 120), replications=500),
        ]
    summary, common = t["summary.csv"], {"scenario": "baseline", "replications": 500}
    return [
        run.fan_chart(summary, names=names, **common),
        run.network_chart(summary, [0, 60, 120], names=names, **common),
        run.alignment_chart(t["alignment.csv"], **common),
        run.activity_chart(t["moves.csv"], t["events.csv"], names=names, **common),
    ]


@pytest.mark.parametrize("folder", ["baseline", "compare"])
def test_everything_is_inside_the_figure_and_nothing_overlaps(folder: str) -> None:
    with mpl.rc_context(style.STYLE):
        for fig in figures(folder):
            assert layout_problems(fig) == []


def test_drawn_concurrently_the_figures_are_the_same_pixels(tmp_path: Path) -> None:
    meta = json.loads((EXAMPLES / "baseline" / "manifest.json").read_text())
    one, many = tmp_path / "one", tmp_path / "many"
    for folder in (one, many):
        shutil.copytree(EXAMPLES / "baseline", folder, ignore=shutil.ignore_patterns("plots"))
    serial = parallel.run_all(figure_jobs.run_figures(one, meta), processes=1)
    concurrent = parallel.run_all(figure_jobs.run_figures(many, meta), processes=3)
    assert [p.name for p in serial] == [p.name for p in concurrent]
    assert len(serial) == 4 and all(p.parent == one / "plots" for p in serial)
    for a, b in zip(serial, concurrent, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in (many / "plots").iterdir()) == sorted(p.name for p in concurrent)  # no leftovers


# -- the job runner ---------------------------------------------------------------------------------------------
# The test jobs meet at a barrier: each announces its process (a file, written whole) and waits until two have,
# so that neither process can take both jobs; then a worker does its part and this process returns its pid.
# Two such jobs on two processes therefore always run one here and one in a worker, whatever the load.


def split_job(tmp_path: Path, in_worker):
    parent = os.getpid()

    def job():
        me = os.getpid()
        (tmp_path / f"{me}.tmp").write_text(str(me))
        os.replace(tmp_path / f"{me}.tmp", tmp_path / f"{me}.pid")
        while len(list(tmp_path.glob("*.pid"))) < 2:
            threading.Event().wait(0.01)
        return me if me == parent else in_worker()

    return job


def worker_pid(tmp_path: Path) -> int:
    (pid,) = {int(p.stem) for p in tmp_path.glob("*.pid")} - {os.getpid()}
    return pid


def test_jobs_run_in_a_worker_and_here_and_return_in_order(tmp_path: Path) -> None:
    pids = parallel.run_all([split_job(tmp_path, os.getpid)] * 2, processes=2)
    assert sorted(pids) == sorted([os.getpid(), worker_pid(tmp_path)])
    assert parallel.run_all([lambda i=i: i * i for i in range(7)], processes=3) == [i * i for i in range(7)]
    assert set(parallel.run_all([os.getpid] * 3, processes=1)) == {os.getpid()}


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this")


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [(ValueError("bad table"), ValueError, "bad table"), (Unpicklable("odd"), RuntimeError, "Unpicklable: odd")],
)
def test_an_error_in_a_worker_is_raised_here(tmp_path: Path, error: Exception, raised: type, message: str) -> None:
    def fail():
        raise error

    with pytest.raises(raised, match=message):
        parallel.run_all([split_job(tmp_path, fail)] * 2, processes=2)


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        parallel.run_all([split_job(tmp_path, lambda: os._exit(3))] * 2, processes=2)


def test_ctrl_c_here_ends_the_workers_before_it_propagates(tmp_path: Path) -> None:
    """This process is interrupted while a worker is busy: run_all raises only once the worker is gone."""
    busy = split_job(tmp_path, threading.Event().wait)  # the worker works forever

    def job():
        busy()
        raise KeyboardInterrupt  # reached only here, once the worker is busy

    with pytest.raises(KeyboardInterrupt):
        parallel.run_all([job, job], processes=2)
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid(tmp_path), 0)


def test_helpers_warm_up_at_once_and_run_jobs_listed_later(tmp_path: Path) -> None:
    """Forked before the jobs exist: each helper warms up first; `run` has them list the jobs (from state made
    after the fork, as the tables of a run are) and share them out, while this process runs its own."""
    listed = tmp_path / "listed.txt"

    def warm() -> None:
        (tmp_path / f"warm-{os.getpid()}").touch()

    def jobs():
        count = int(listed.read_text())  # written after the helpers were forked
        return [lambda i=i: (i, os.getpid()) for i in range(count)]

    with parallel.Helpers(jobs, warm, processes=2) as helpers:
        listed.write_text("5")
        results = helpers.run([os.getpid, os.getpid])
    assert [i for i, _ in results[:5]] == list(range(5)) and results[5:] == [os.getpid()] * 2
    helper_pids = {pid for _, pid in results[:5]}
    assert os.getpid() not in helper_pids
    warmed = {int(p.name.removeprefix("warm-")) for p in tmp_path.glob("warm-*")}
    assert len(warmed) == 2 and os.getpid() not in warmed and helper_pids <= warmed
    for pid in warmed:  # ended with the block
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with parallel.Helpers(jobs, warm, processes=1) as alone:  # one CPU: everything here, in order
        assert alone.run([os.getpid]) == [(i, os.getpid()) for i in range(5)] + [os.getpid()]


def test_helpers_raise_the_error_of_a_job_and_end_when_the_block_is_left_early(tmp_path: Path) -> None:
    def jobs():
        raise ValueError("no such table")

    with pytest.raises(ValueError, match="no such table"), parallel.Helpers(jobs, lambda: None, processes=2) as h:
        h.run()

    def warm() -> None:
        (tmp_path / f"{os.getpid()}.pid").touch()
        threading.Event().wait()  # still warming up when the command fails

    with pytest.raises(KeyboardInterrupt), parallel.Helpers(lambda: [], warm, processes=2):
        while len(list(tmp_path.glob("*.pid"))) < 2:
            threading.Event().wait(0.01)
        raise KeyboardInterrupt
    for path in tmp_path.glob("*.pid"):
        with pytest.raises(ProcessLookupError):
            os.kill(int(path.stem), 0)
