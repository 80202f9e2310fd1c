"""The one writer of result folders: they appear only when complete, with their tables, figures and manifest.

Everything is written into `.<name>.<random>.partial` next to the target and renamed at the end, so an
interrupted command leaves nothing that looks finished; `--force` replaces only an earlier result (a folder with a
manifest.json) or an empty folder, never anything else. `result_folder` is what run, compare, sweep, calibrate,
discover and the dashboard's export write through: the caller writes its tables into `Writing.path`, lists the
slower writing it leaves for later (`Writing.jobs`), and the figures are drawn by helper processes forked at the
start (sim.util.parallel.Helpers), which import matplotlib while the caller computes.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.outputs.manifest import MANIFEST, manifest, write_manifest
from sim.outputs.resumable import store_dir
from sim.util.errors import ConfigError
from sim.util.interrupts import check_stop
from sim.util.parallel import Helpers

NAME_MAX = 255 - len("..12345678.partial")  # bytes a folder name may have, so that its hidden .partial twin fits


def timestamp(now: datetime | None = None) -> str:
    """A sortable, filename-safe local time stamp such as 20261128-185104."""
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def default_dir(root: str | Path, name: str) -> Path:
    """`root/<name>/<timestamp>-<6 random hex digits>`: commands started in the same second (even in other
    processes) get different folders, and so different stores of unfinished work; a name already taken by a
    folder or a store is never chosen."""
    folder = Path(root) / name
    while True:
        candidate = folder / f"{timestamp()}-{secrets.token_hex(3)}"
        if not candidate.exists() and not store_dir(candidate).exists():
            return candidate


def check_target(final_dir: str | Path, force: bool = False) -> Path:
    """Refuse a target that exists (unless `force`) or that `force` must not delete; return it as a Path.

    With `force`, only an empty folder or an earlier result (one holding a manifest.json) may be replaced, so a
    mistyped `--out ~ --force` cannot delete anything else. A symbolic link (even a dangling one) is refused.
    """
    final = Path(final_dir)
    if final.is_symlink():  # replacing it would replace the link, not the folder it names: say so before any work
        raise ConfigError(
            f"is a symbolic link (to {os.readlink(final)}), not a folder",
            file=final,
            hint="give the folder it points to, or another --out",
        )
    if len(final.name.encode()) > NAME_MAX:
        raise ConfigError(
            f"the folder name is {len(final.name.encode())} bytes long; at most {NAME_MAX}",
            file=final.parent / (final.name[:20] + "..."),
            hint="choose a shorter --out",
        )
    if not final.exists():
        return final
    if not final.is_dir():
        raise ConfigError("exists and is not a folder", file=final, hint="choose another --out")
    if not force:
        raise ConfigError("already exists", file=final, hint="use --force to replace it, or choose another --out")
    if any(final.iterdir()) and not (final / MANIFEST).is_file():
        raise ConfigError(
            "is not a diplosim result folder (no manifest.json); refusing to replace it",
            file=final,
            hint="choose another --out",
        )
    return final


@contextmanager
def atomic_output(final_dir: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary folder next to `final_dir`; on success rename it to `final_dir`.

    On any exception (including KeyboardInterrupt) the temporary folder is removed and the exception re-raised,
    so `final_dir` is either absent, untouched, or complete. Checks the target (see `check_target`) on entry,
    so enter this before doing expensive work.
    """
    final = check_target(final_dir, force)
    created = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
    tmp = None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = _fresh_sibling(final, "partial")
        yield tmp
        check_stop()  # a Ctrl-C or SIGTERM whose exception a finalizer swallowed still stops the command
        check_target(final, force)  # something may have appeared there meanwhile
        if final.exists():
            old = _fresh_sibling(final, "old")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # parents this call created, innermost first, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        if isinstance(exc, OSError):  # name the place in the result, not the hidden folder that is now gone
            inside = tmp is not None and exc.filename is not None and Path(exc.filename).is_relative_to(tmp)
            exc.filename = str(final / Path(exc.filename).relative_to(tmp)) if inside else exc.filename or str(final)
        raise


def _fresh_sibling(final: Path, kind: str) -> Path:
    """Create a new hidden folder next to `final` (permissions from the umask, unlike mkdtemp's 0700)."""
    while True:
        path = final.parent / f".{final.name}.{secrets.token_hex(4)}.{kind}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


Job = Callable[[], Path]  # a piece of writing run when the caller's tables are done (beside the figures)
FigureJobs = Callable[[Path, Mapping[str, Any]], list[Job]]  # (folder, manifest fields) -> the figures to draw


@dataclass
class Writing:
    """A result folder being written: its hidden working `path`, the files written so far, the jobs that write
    more (run beside the figures), and the manifest's fields."""

    path: Path
    fields: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)


@contextmanager
def result_folder(
    out: str | Path,
    *,
    force: bool,
    command: Sequence[str] | str | None,
    fields: Mapping[str, Any],
    figures: FigureJobs | None = None,
    started: datetime | None = None,
) -> Iterator[Writing]:
    """Write a result folder: yields a `Writing` to fill; on leaving, runs its jobs and the figures, writes the
    manifest (command, times, versions, `fields`, every file, and each table's row count), and renames the folder
    into place.

    `figures(folder, fields)` lists the figure jobs; it is called in helper processes forked now, once the
    caller's tables are written, so it sees the fields given here (not ones added later). `started` (default:
    now) is when the command began, for the manifest's elapsed time. On an error or a signal nothing is left
    behind.
    """
    started = started or datetime.now(UTC)
    with atomic_output(out, force) as tmp:
        announce("working")

        def listing() -> list[Job]:
            return figures(tmp, dict(fields)) if figures else []

        with Helpers(listing, warm=_import_figures, processes=None if figures else 1) as helpers:
            writing = Writing(tmp, dict(fields))
            yield writing
            announce("writing")
            writing.files += helpers.run(writing.jobs)
        names = sorted(str(f.relative_to(tmp)) for f in writing.files)
        rows = {name: count_rows(tmp / name) for name in names if name.endswith(".csv")}
        fields = {**writing.fields, "files": [*names, MANIFEST], "rows": rows}
        write_manifest(tmp, manifest(command, started=started, **fields))


def count_rows(path: Path) -> int:
    """The data rows of a CSV table (quoted line breaks inside a cell do not count), recorded in the manifest so
    that a reader can tell a table cut short at a line break from a whole one."""
    with open(path, newline="", encoding="utf-8") as fh:
        return max(0, sum(1 for _ in csv.reader(fh)) - 1)


def announce(state: str) -> None:
    """Write `state` to the file `$DIPLOSIM_STATE_FILE` names, if set: "working" (the unfinished output folder
    exists and the computation starts), then "writing" (figures and trajectory files are being written, in
    parallel). Tests that interrupt a command wait for a state instead of guessing with a sleep how far it got."""
    path = os.environ.get("DIPLOSIM_STATE_FILE")
    if path:  # written whole, then renamed: the watcher never reads a half-written file
        Path(path + ".tmp").write_text(state + "\n", encoding="utf-8")
        os.replace(path + ".tmp", path)


def _import_figures() -> None:
    """What drawing needs (matplotlib, pandas), imported by a helper while the command computes."""
    import sim.outputs.figures  # noqa: F401
