"""The journal of a calibration: every evaluated parameter vector and its scores, one JSON line each, kept in
the calibration's resumable store (sim.outputs.resumable).

The first line identifies the calibration (a fingerprint of the histories, the training rows, the ranges and the
settings), so `--resume` only continues the same calibration. Each later line is one evaluation, keyed by the
exact parameter vector (JSON writes floats so that they read back bit for bit), with its `distance`. A journal
that cannot be read (not UTF-8, a first line that is not a JSON object with a fingerprint, an entry without its
fields, an empty file) is one ConfigError saying so, never a wrong message or a traceback.

A line is written with a single `write` on a file opened for appending and synced, so an interruption leaves
whole lines and at most a torn last line, which opening the journal drops. Because the distance is deterministic
(common random numbers), replaying the seeded ABC-SMC with the journal answering the points it already knows
continues an interrupted calibration to exactly the result an uninterrupted one gives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

from sim.outputs.resumable import Resumable, header_fingerprint
from sim.util.errors import ConfigError

NAME = "journal.jsonl"
DAMAGED = "start over with --force (the journal only saves time: a fresh start computes the same result)"

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
        """The fingerprint in the journal's first line; None if there is no journal; ConfigError if it is damaged."""
        path = Path(root) / NAME
        try:
            with open(path, "rb") as fh:
                line = fh.readline()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError(f"cannot read the journal: {exc.strerror or exc}", file=path) from None
        fingerprint = header_fingerprint(line)
        if fingerprint is None:
            what = "is empty" if not line else "has no header (a JSON object with the calibration's fingerprint)"
            raise ConfigError(f"the journal {what}", file=path, hint=DAMAGED)
        return fingerprint

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
        if not whole:  # the header itself is cut short: there is nothing to append to
            raise ConfigError("the journal's header line is cut short", file=path, hint=DAMAGED)
        if len(whole) < len(text):  # a line cut short by an interruption: drop it before appending
            with open(path, "r+b") as fh:
                fh.truncate(len(whole))
        entries = {}
        for number, line in enumerate(whole.split(b"\n")[1:-1], start=2):
            record = _record(line)
            if record is None:
                raise ConfigError(f"the journal is damaged at line {number}", file=path, hint=DAMAGED)
            entries[key(record["x"])] = record
        return cls(root, entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, x: Sequence[float]) -> dict[str, Any] | None:
        return self.entries.get(key(x))

    def extend(self, xs: Sequence[Sequence[float]], records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record a block of evaluations durably, in order: one write and one fsync for the block (a calibration's
        population journals hundreds of candidates; an fsync each cost seconds). An interruption can tear only the
        last line, which `load` drops."""
        entries = [{"x": list(key(x)), **record} for x, record in zip(xs, records, strict=True)]
        data = "".join(json.dumps(entry) + "\n" for entry in entries).encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            view = memoryview(data)
            while view:  # a short write (a full disk says so on the next one) goes on where it stopped
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        for entry in entries:
            self.entries[tuple(entry["x"])] = entry
        return entries


def _record(line: bytes) -> dict[str, Any] | None:
    """One evaluation read back, or None if the line is not a JSON object with a vector `x` and a `distance`."""
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    x, distance = record.get("x"), record.get("distance")
    numbers = isinstance(x, list) and x and all(isinstance(v, int | float) and not isinstance(v, bool) for v in x)
    if not numbers or not isinstance(distance, int | float) or isinstance(distance, bool):
        return None
    return record
