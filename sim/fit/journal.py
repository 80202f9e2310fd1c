"""The journal of a calibration: every evaluated parameter vector and its scores, one JSON line each.

The first line identifies the calibration (a fingerprint of the scenario, the series, the ranges and the
settings), so `--resume` only continues the same calibration. Each later line is one evaluation, keyed by the
exact parameter vector (JSON writes floats so that they read back bit for bit). A line is written with a single
`write` on a file opened for appending and synced, so an interruption leaves whole lines and at most a torn
last line, which opening the journal drops. Because the objective is deterministic (common random numbers),
replaying the seeded optimiser with the journal answering the points it already knows continues an interrupted
calibration to exactly the result an uninterrupted one gives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.errors import ConfigError

NAME = "journal.jsonl"

Key = tuple[float, ...]


def key(x: Sequence[float]) -> Key:
    """The exact parameter vector as a hashable key."""
    return tuple(float(v) for v in x)


class Journal:
    """Evaluations of one calibration, on disk and in memory."""

    def __init__(self, path: Path, fingerprint: str, entries: dict[Key, dict[str, Any]]) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.entries = entries

    @classmethod
    def create(cls, path: str | Path, fingerprint: str, info: dict[str, Any]) -> Journal:
        """Start a journal with its header line (fails if the file exists)."""
        path = Path(path)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(json.dumps({"fingerprint": fingerprint, **info}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return cls(path, fingerprint, {})

    @classmethod
    def open(cls, path: str | Path, fingerprint: str) -> Journal:
        """An existing journal of the same calibration, without a torn last line; ConfigError otherwise."""
        path = Path(path)
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(
                "no unfinished calibration to resume here", file=path.parent, hint="run without --resume to start"
            ) from None
        whole = text[: text.rfind(b"\n") + 1]
        if len(whole) < len(text):  # a line cut short by an interruption: drop it before appending
            with open(path, "r+b") as fh:
                fh.truncate(len(whole))
        lines = whole.decode("utf-8").splitlines()
        try:
            header = json.loads(lines[0]) if lines else {}
            records = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError:
            raise ConfigError("the journal is damaged", file=path, hint="start over with --force") from None
        if header.get("fingerprint") != fingerprint:
            raise ConfigError(
                "the unfinished calibration stored here was started with a different scenario, series, ranges or"
                " settings",
                file=path.parent,
                hint="resume with the same command, or start over with --force",
            )
        return cls(path, fingerprint, {key(r["x"]): r for r in records})

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, x: Sequence[float]) -> dict[str, Any] | None:
        return self.entries.get(key(x))

    def append(self, x: Sequence[float], record: dict[str, Any]) -> dict[str, Any]:
        """Record an evaluation durably (one write, then fsync) and remember it."""
        entry = {"x": list(key(x)), **record}
        data = (json.dumps(entry) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.entries[key(x)] = entry
        return entry
