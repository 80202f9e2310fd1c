"""The on-disk cache: keyed by arguments and code, atomic under concurrent writers, robust to corrupted entries."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.util import diskcache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DIPLOSIM_CACHE_DIR", str(folder))
    monkeypatch.delenv("DIPLOSIM_CACHE", raising=False)
    return folder


def counted():
    """A cached function that records each real computation."""
    calls: list[tuple] = []

    @diskcache.cached("square", 2)
    def square(x: float, label: str) -> tuple[np.ndarray, np.ndarray]:
        calls.append((x, label))
        return np.full((3, 2), x) ** 2, np.array([label])

    return square, calls


def test_a_second_call_reads_the_entry_instead_of_computing(cache: Path) -> None:
    square, calls = counted()
    first = square(1.5, "a")
    again = square(1.5, "a")
    assert len(calls) == 1 and len(diskcache.entries()) == 1
    for x, y in zip(first, again, strict=True):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype
    square(2.5, "a")
    square(1.5, "b")
    assert len(calls) == 3 and len(diskcache.entries()) == 3  # every argument is part of the key


def test_changed_code_does_not_reuse_an_entry(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    square, calls = counted()
    square(1.0, "a")
    monkeypatch.setattr(diskcache, "fingerprint", lambda: "other code")
    square(1.0, "a")
    assert len(calls) == 2 and len(diskcache.entries()) == 2


def test_fingerprint_covers_the_package_source() -> None:
    before = diskcache.fingerprint()
    assert before == diskcache.fingerprint() and len(before) == 64
    code = "import sim.util.diskcache as d; print(d.fingerprint())"
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert fresh == before  # stable across processes, so sweep workers and later commands share entries


@pytest.mark.parametrize("damage", [b"", b"not a zip file", "truncate"])
def test_a_corrupted_entry_is_recomputed_and_replaced(cache: Path, damage: bytes | str) -> None:
    square, calls = counted()
    square(3.0, "a")
    (path,) = diskcache.entries()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else damage)
    value = square(3.0, "a")
    assert len(calls) == 2
    np.testing.assert_array_equal(value[0], np.full((3, 2), 9.0))
    assert path.read_bytes() == data  # replaced by a whole entry
    square(3.0, "a")
    assert len(calls) == 2


def test_an_entry_with_the_wrong_number_of_arrays_is_not_trusted(cache: Path) -> None:
    square, calls = counted()
    square(3.0, "a")
    (path,) = diskcache.entries()
    diskcache.store(path, (np.zeros(2),))
    square(3.0, "a")
    assert len(calls) == 2


def test_switched_off_it_neither_reads_nor_writes(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    square, calls = counted()
    square(1.0, "a")
    square(1.0, "a")
    assert len(calls) == 2 and not cache.exists()


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("DIPLOSIM_CACHE_DIR", str(tmp_path / "file" / "cache"))
    square, calls = counted()
    assert square(2.0, "a")[0][0, 0] == 4.0 and square(2.0, "a")[0][0, 0] == 4.0
    assert len(calls) == 2


def test_clear_removes_entries_and_leftover_temporary_files(cache: Path) -> None:
    square, _ = counted()
    square(1.0, "a")
    square(2.0, "a")
    (cache / ".square-x.npz.abc.tmp").write_bytes(b"left by a killed writer")
    (cache / "unrelated.txt").write_text("not ours")
    assert diskcache.clear() == 2
    assert sorted(p.name for p in cache.iterdir()) == ["unrelated.txt"]
    assert diskcache.clear() == 0


def test_default_folder_follows_the_platform_convention(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DIPLOSIM_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert diskcache.cache_dir() == tmp_path / "xdg" / "diplosim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert diskcache.cache_dir() == tmp_path / "home" / ".cache" / "diplosim"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert diskcache.cache_dir() == tmp_path / "home" / "Library" / "Caches" / "diplosim"


# -- concurrent writers -----------------------------------------------------------------------------------------

BIG = 200_000  # floats per entry: big enough that a write takes many system calls


def _writer(folder: str, rounds: int) -> None:
    os.environ["DIPLOSIM_CACHE_DIR"] = folder
    path = diskcache.entry("shared", [1])
    for _ in range(rounds):
        diskcache.store(path, (np.arange(BIG, dtype=np.float64), np.ones(3)))


def test_concurrent_writers_never_expose_a_partial_entry(cache: Path) -> None:
    """Two processes rewrite one entry over and over while this one reads it: every read is whole or absent."""
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    writers = [ctx.Process(target=_writer, args=(str(cache), 40)) for _ in range(2)]
    for w in writers:
        w.start()
    path = diskcache.entry("shared", [1])
    seen = 0
    while any(w.is_alive() for w in writers) or seen == 0:
        found = diskcache.load(path, 2)
        if found is not None:
            seen += 1
            np.testing.assert_array_equal(found[0], np.arange(BIG, dtype=np.float64))
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert seen > 0
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind


# -- the calibration --------------------------------------------------------------------------------------------


def test_calibration_is_computed_once_and_shared_between_processes(cache: Path) -> None:
    """A fresh process reads the calibration another wrote; the baselines are the same to the last bit."""
    code = (
        "import sys, numpy as np, sim\nfrom sim.core.calibration import anchors_for\n"
        "spec = sim.load_scenario(sys.argv[1])\nsys.stdout.write(anchors_for(spec).baseline.tobytes().hex())"
    )
    env = {**os.environ, "DIPLOSIM_CACHE_DIR": str(cache)}

    def baseline(name: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, name], capture_output=True, text=True, env=env | extra, check=True
        )
        return done.stdout

    computed = baseline("baseline")
    (entry,) = diskcache.entries()
    stamp = entry.stat().st_mtime_ns
    assert baseline("dialogue") == computed  # same status quo: the entry is read, not written again
    assert entry.stat().st_mtime_ns == stamp and len(diskcache.entries()) == 1
    assert baseline("baseline", DIPLOSIM_CACHE="off") == computed  # identical to a run without the cache


def test_the_cache_command_reports_and_clears(cache: Path, capsys: pytest.CaptureFixture) -> None:
    from sim.cli.main import main

    square, _ = counted()
    square(1.0, "a")
    assert main(["cache"]) == 0
    assert capsys.readouterr().out.startswith(f"{cache}: 1 entry, ")
    assert main(["cache", "--clear"]) == 0
    assert capsys.readouterr().out.strip() == f"Removed 1 entry from {cache}"
    assert diskcache.entries() == []
