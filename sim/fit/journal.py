"""The journal of a calibration: every evaluated parameter vector and its scores, one JSON line each, kept in
the calibration's resumable store (sim.outputs.resumable).

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
from typing import Any, Self

from sim.outputs.resumable import Resumable
from sim.util.errors import ConfigError

NAME = "journal.jsonl"

Key = tuple[float, ...]


def key(x: Sequence[float]) -> Key:
    """The exact parameter vector as a hashable key."""
    return tuple(float(v) for v in x)


class Journal(Resumable):
    """Evaluations of one calibration, in the journal file of its store, and in memory."""

    KIND = "calibration"
    DIFFERENT = "with a different scenario, series, ranges or settings"

    def __init__(self, root: Path, entries: dict[Key, dict[str, Any]] | None = None) -> None:
        super().__init__(root)
        self.path = self.root / NAME
        self.entries = entries or {}

    @classmethod
    def fingerprint_of(cls, root: Path) -> str | None:
        try:
            with open(Path(root) / NAME, "rb") as fh:
                header = json.loads(fh.readline())
        except (OSError, ValueError):
            return None
        return header.get("fingerprint") if isinstance(header, dict) else None

    @classmethod
    def create(cls, root: Path, fingerprint: str, info: dict[str, Any]) -> Self:
        """Start a journal with its header line (fails if the file exists)."""
        journal = cls(root)
        journal.root.mkdir(parents=True)
        with open(journal.path, "x", encoding="utf-8") as fh:
            fh.write(json.dumps({"fingerprint": fingerprint, **info}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return journal

    @classmethod
    def load(cls, root: Path) -> Self:
        """The journal's entries, without a torn last line (cut off the file before anything is appended)."""
        path = Path(root) / NAME
        text = path.read_bytes()
        whole = text[: text.rfind(b"\n") + 1]
        if len(whole) < len(text):  # a line cut short by an interruption: drop it before appending
            with open(path, "r+b") as fh:
                fh.truncate(len(whole))
        try:
            records = [json.loads(line) for line in whole.decode("utf-8").splitlines()[1:]]
        except ValueError:
            raise ConfigError("the journal is damaged", file=path, hint="start over with --force") from None
        return cls(root, {key(r["x"]): r for r in records})

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
