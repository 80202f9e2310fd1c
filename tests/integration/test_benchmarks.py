"""Smoke test of the benchmark script: `python -m benchmarks.run --quick` runs and prints its tables.

No timing assertions: the numbers of a quick run mean nothing; the real figures are in docs/performance.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def quick(tmp_path: Path, module: str, *args: str) -> tuple[str, str]:
    """Run `python -m MODULE --quick ARGS --out FILE` from the repository; its stdout and the file it wrote."""
    out = tmp_path / "bench.md"
    proc = subprocess.run(
        [sys.executable, "-m", module, "--quick", *args, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, out.read_text()


def quick_benchmark(tmp_path: Path, *sections: str) -> tuple[str, str]:
    """`python -m benchmarks.run --quick --only SECTIONS`: its stdout and the file it wrote."""
    stdout, written = quick(tmp_path, "benchmarks.run", "--only", *sections)
    assert "| target" in written and "python -m benchmarks.run --quick" in written
    return stdout, written


# Two halves, so that pytest-xdist can run them side by side: the engine's sections, and the commands'.
@pytest.mark.slow
def test_quick_benchmark_of_the_engine_prints_its_tables(tmp_path: Path) -> None:
    stdout, _ = quick_benchmark(tmp_path, "throughput", "trajectories", "replications", "actors", "sweep", "startup")
    for title in (
        "**Machine**",
        "**Targets (issues 5 and 10)**",
        "**1. Throughput",
        "**1b. Baseline",
        "**2a. Scaling with replications",
        "**2b. Scaling with actors",
        "**3. Sweep",
        "**4. Start-up",
    ):
        assert title in stdout
    assert "mesa.batch_run" in stdout
    assert "bit-identical" in stdout  # batch_run's run and the batched replication 0 agree
    assert "**5. End-to-end commands" not in stdout  # --only leaves the other sections out


@pytest.mark.slow
def test_quick_benchmark_of_the_commands_prints_its_table(tmp_path: Path) -> None:
    stdout, written = quick_benchmark(tmp_path, "commands")
    assert "**5. End-to-end commands" in stdout and "**1. Throughput" not in stdout
    assert "diplosim compare baseline dialogue us_pressure" in stdout and "(exit code" not in stdout
    assert "diplosim run (no arguments), wall" in written  # its targets reach the summary


def test_generated_actors_validate() -> None:
    from benchmarks.actors import with_extra_actors

    spec = with_extra_actors(7)
    assert spec.actors[-3:] == ["XA1", "XA2", "XA3"]
    assert all(len(row) == 6 for row in spec.world.trust.values())  # every directed dyad has a trust entry
    assert set(spec.world.background["XA3"]) and "XA3" not in spec.world.background["XA3"]
    with pytest.raises(ValueError):
        with_extra_actors(2)


def test_performance_page_names_the_command() -> None:
    section = (ROOT / "docs" / "performance.md").read_text()
    assert "python -m benchmarks.run" in section and "--quick" in section
    assert (ROOT / "benchmarks" / "RESULTS.md").is_file()


@pytest.mark.slow
def test_side_by_side_benchmark_runs_both_engines(tmp_path: Path) -> None:
    """`python -m benchmarks.engines --quick` unpacks the numpy engine of 51b1f8c and times it beside this one, per
    step (table A) and on a calibration's population of candidates (table B)."""
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", "51b1f8c^{commit}"], check=False)
    if known.returncode != 0:
        pytest.skip("this clone does not hold commit 51b1f8c (the numpy engine)")
    _, table = quick(tmp_path, "benchmarks.engines")
    assert "numpy engine µs" in table and "compiled, 1 thread µs" in table
    assert "compiled, batched, 1 thread: CPU s" in table
    rows = {block.splitlines()[0]: block.count("\n|") - 2 for block in table.split("\n\n**")}  # title: body rows
    assert [n for title, n in rows.items() if title.startswith("A.")] == [2]  # 2 sizes
    assert [n for title, n in rows.items() if title.startswith("B.")] == [1]  # 1 population
    targets = next(block for block in table.split("\n\n**") if "Targets (issue 19)" in block)
    assert "not measured" in targets  # --quick runs no 1,000 replications and no commands
