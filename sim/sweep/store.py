"""The resumable on-disk store of an unfinished sweep: one small file per finished chunk, written atomically.

The store (sim.outputs.resumable) is a folder next to the sweep's output folder (`.<name>.unfinished`).
`store.json` holds the sweep's fingerprint, so `--resume` only continues the same sweep. A chunk file
(`chunks/chunk-000012.npz`) holds the
chunk's per-replication outcomes and the errors of its failed points; it appears only once complete (written
to a temporary name, then renamed), so an interrupted or killed run leaves whole chunks or none.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np

from sim.outputs.read import read_chunk
from sim.outputs.resumable import Resumable, header_fingerprint
from sim.sweep.chunks import Chunk, ChunkResult
from sim.util.errors import ConfigError
from sim.util.files import write_atomic

INFO = "store.json"
DAMAGED = "delete this file and resume: its chunk runs again"


class Store(Resumable):
    """Finished chunks of one sweep, on disk."""

    KIND = "sweep"
    DIFFERENT = "from a different sweep file or scenario"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.chunks = self.root / "chunks"
        self.trajectories = self.root / "trajectories"

    @classmethod
    def fingerprint_of(cls, root: Path) -> str | None:
        """The fingerprint in store.json; None when there is none or it cannot be read (the sweep starts over)."""
        try:
            return header_fingerprint((Path(root) / INFO).read_bytes())
        except OSError:
            return None

    @classmethod
    def create(cls, root: Path, fingerprint: str, info: dict[str, Any]) -> Self:
        store = cls(root)
        store.chunks.mkdir(parents=True)
        write_atomic(store.root / INFO, json.dumps({"fingerprint": fingerprint, **info}, indent=2).encode())
        return store

    def path(self, index: int) -> Path:
        return self.chunks / f"chunk-{index:06d}.npz"

    def finished(self, planned: Sequence[Chunk], outcomes: Sequence[str], points: int) -> set[int]:
        """Chunks stored without failed points (chunks with failures run again on --resume), each checked to be
        the chunk of the plan it is named after."""
        done = set()
        for chunk in planned:
            if self.path(chunk.index).exists() and not self.read(chunk, outcomes, points)[1]:
                done.add(chunk.index)
        return done

    def write(self, result: ChunkResult, points: tuple[int, ...], start: int, outcomes: tuple[str, ...]) -> None:
        """Store a chunk's outcomes and errors (and trajectories, one netCDF file per point)."""
        for point, res in result.trajectories.items():
            self.trajectories.mkdir(exist_ok=True)
            res.save(self.trajectories / f"point-{point:06d}-replications-{start:07d}.nc")
        buffer = io.BytesIO()
        errors = json.dumps({str(k): v for k, v in result.errors.items()})
        np.savez(
            buffer, values=result.values, points=np.asarray(points), start=start, outcomes=list(outcomes), errors=errors
        )
        write_atomic(self.path(result.index), buffer.getvalue())

    def read(self, chunk: Chunk, outcomes: Sequence[str], points: int) -> tuple[np.ndarray, dict[int, dict[str, str]]]:
        """A chunk's outcomes [point, replication, outcome] and its errors by point, checked (sim.outputs.read)
        to be what this chunk of the plan wrote: its points and replications."""
        path = self.path(chunk.index)
        stored = read_chunk(path, outcomes, points, hint=DAMAGED)
        if stored.points != list(chunk.points) or (stored.start, stored.start + stored.values.shape[1]) != (
            chunk.start,
            chunk.stop,
        ):
            raise ConfigError("holds other points or replications than its chunk of the sweep", file=path, hint=DAMAGED)
        return stored.values, stored.errors

    def link_into(self, folder: Path) -> list[Path]:
        """Hard-link (or copy) the chunk and trajectory files into `folder`, keeping the store intact; the files."""
        linked = []
        for sub in (self.chunks, self.trajectories):
            if sub.is_dir():
                (folder / sub.name).mkdir()
                for path in sorted(sub.iterdir()):
                    if path.suffix in (".npz", ".nc"):
                        linked.append(_link(path, folder / sub.name / path.name))
        return linked


def _link(src: Path, dst: Path) -> Path:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
