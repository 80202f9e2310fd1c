"""Style and structure are part of the build: ruff must pass, and the package's layers must hold (import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is a dev dependency; install with pip install -e '.[dev]'"
    return found


def test_ruff_is_clean():
    done = subprocess.run(
        [_tool("ruff"), "check", "sim", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_layers_hold_and_no_module_imports_in_a_circle():
    """pyproject.toml's contracts: each package imports only those below it, and no package's modules import
    each other in a circle (imports inside functions and under TYPE_CHECKING count)."""
    done = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_an_upward_import_hidden_in_a_function_breaks_the_layers(tmp_path: Path):
    """The contracts bite: a copy of the package where the model imports the command line, lazily, fails."""
    for name in ("sim", "benchmarks"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    dynamics = tmp_path / "sim" / "core" / "dynamics.py"
    dynamics.write_text(dynamics.read_text() + "\n\ndef _upward():\n    from sim.cli import main  # noqa: F401\n")
    env = {"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode != 0
    assert "sim.core is not allowed to import sim.cli" in done.stdout
