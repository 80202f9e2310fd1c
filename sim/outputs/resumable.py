"""Unfinished work of a long command, kept beside its output folder so that an interrupted command resumes.

A sweep keeps its finished chunks, a calibration its journal of evaluations, in `.<name>.unfinished` next to the
output folder `<name>` they will end in. The store knows the fingerprint of the work that filled it, so `--resume`
continues only the same work, and a fresh start refuses to overwrite a store unless told to (`--force`). When the
command stops early it raises `Interrupted`, naming the store; a finished command removes its store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path
from typing import Any, ClassVar, Self

from sim.util.errors import ConfigError
from sim.util.memory import folder_size, size_text

OWNER = "owner.json"


def store_dir(final: Path) -> Path:
    """Where the unfinished work for output folder `final` is kept."""
    return final.parent / f".{final.name}.unfinished"


def output_of(store: Path) -> Path:
    """The output folder a store's work ends in (the inverse of `store_dir`)."""
    return store.parent / store.name[1 : -len(".unfinished")]


def header_fingerprint(header: bytes) -> str | None:
    """The `fingerprint` of a store's header (a UTF-8 JSON object that names it); None when `header` is not one
    (missing, damaged or cut short)."""
    try:
        info = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    fingerprint = info.get("fingerprint") if isinstance(info, dict) else None
    return fingerprint if isinstance(fingerprint, str) else None


class Resumable:
    """A store of unfinished work. Subclasses say what it holds: how to create it, and its fingerprint."""

    KIND: ClassVar[str] = "work"  # "sweep", "calibration": for messages
    DIFFERENT: ClassVar[str] = "from different inputs"  # what a fingerprint mismatch means, for messages

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def fingerprint_of(cls, root: Path) -> str | None:
        """The fingerprint of the work stored in `root`, or None when there is none; a store that cannot be read
        may say so with a ConfigError."""
        raise NotImplementedError

    @classmethod
    def create(cls, root: Path, fingerprint: str, info: dict[str, Any]) -> Self:
        """A new, empty store identified by `fingerprint` (`info` is recorded beside it for people)."""
        raise NotImplementedError

    @classmethod
    def load(cls, root: Path) -> Self:
        """The store in `root`, whose fingerprint was checked."""
        return cls(root)

    @classmethod
    def open(cls, root: Path, fingerprint: str) -> Self:
        """The store of the same work in `root`; a ConfigError if there is none, it holds other work, or another
        command is working on it."""
        found = cls.fingerprint_of(Path(root))
        if found is None:
            raise ConfigError(
                f"no unfinished {cls.KIND} to resume here",
                file=root,
                hint=f"run without --resume to start the {cls.KIND}",
            )
        cls._check_not_in_use(Path(root))
        if found != fingerprint:
            raise ConfigError(
                f"the unfinished {cls.KIND} stored here was started {cls.DIFFERENT}",
                file=root,
                hint="resume with the same command, or start over with --force (which deletes what is stored)",
            )
        store = cls.load(Path(root))
        store._own()
        return store

    @classmethod
    def start(cls, final: Path, fingerprint: str, info: dict[str, Any], *, resume: bool, force: bool) -> Self:
        """The store for output folder `final`: the one there (`resume`), or a new one (replacing an old one only
        with `force`, and never one another running command works on)."""
        root = store_dir(final)
        if resume:
            return cls.open(root, fingerprint)
        if root.exists():
            cls._check_not_in_use(root)
            if not force:
                raise ConfigError(
                    f"an unfinished {cls.KIND} is stored here",
                    file=root,
                    hint="add --resume to continue it, or --force to delete it and start over",
                )
            shutil.rmtree(root)
        try:
            store = cls.create(root, fingerprint, info)
            store._own()
        except BaseException:  # no store without its fingerprint: it could be neither resumed nor replaced
            shutil.rmtree(root, ignore_errors=True)
            raise
        return store

    def _own(self) -> None:
        """Name this process as the one working on the store."""
        owner = {"pid": os.getpid(), "host": socket.gethostname()}
        (self.root / OWNER).write_text(json.dumps(owner) + "\n", encoding="utf-8")

    @classmethod
    def _check_not_in_use(cls, root: Path) -> None:
        """Refuse a store another command on this machine is still working on."""
        pid = working(root)
        if pid is not None:
            raise ConfigError(
                f"another command (process {pid}) is still working on the unfinished {cls.KIND} stored here",
                file=root,
                hint="wait for it to finish, or choose another --out",
            )

    @classmethod
    def find_unfinished(cls, folder: Path, fingerprint: str) -> Path | None:
        """The output folder of the newest unfinished store of this work under `folder` (--resume without --out),
        skipping stores that cannot be read (they are someone else's to repair)."""
        for root in sorted(folder.glob(".*.unfinished"), key=lambda p: p.stat().st_mtime, reverse=True):
            try:
                if cls.fingerprint_of(root) == fingerprint:
                    return output_of(root)
            except ConfigError:
                continue
        return None

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def working(root: Path) -> int | None:
    """The process, other than this one, that works on the store at `root` and still runs on this machine; None
    if there is none (the store was left by a command that stopped, or its owner is unknown)."""
    try:
        owner = json.loads((Path(root) / OWNER).read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if pid == os.getpid() or host != socket.gethostname() or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # it runs, as another user
        return pid
    return pid


def disown(root: Path) -> None:
    """The work on the store at `root` stopped: it no longer names this process (so another may resume it)."""
    if working(root) is None:  # it names this process (or no live one)
        (Path(root) / OWNER).unlink(missing_ok=True)


class Interrupted(Exception):
    """Long work stopped before its output was written (Ctrl-C, SIGTERM, or a write that failed, such as a full
    disk); what was finished stays in the store at `store`, and `--resume` continues from it. `cause` is the OSError
    of a failed write, or None for a signal (then `terminated` tells SIGTERM from Ctrl-C)."""

    def __init__(
        self,
        store: Path,
        done: int,
        total: int | None = None,
        *,
        unit: str = "chunks",
        terminated: bool = False,
        cause: OSError | None = None,
    ) -> None:
        self.store, self.done, self.total, self.terminated, self.cause = store, done, total, terminated, cause
        disown(store)  # the work stopped here: --resume may continue it from any process
        if cause is not None:
            where = f"{cause.filename}: " if cause.filename else ""
            what = f"could not write ({where}{cause.strerror or cause})"
        else:
            what = "terminated" if terminated else "interrupted"
        size = size_text(folder_size(store))
        if total is None:
            super().__init__(f"{what} after {done} {unit}; they are kept in {store} ({size})")
        elif done < total:
            super().__init__(f"{what} after {done} of {total} {unit}; the finished ones are kept in {store} ({size})")
        else:
            super().__init__(f"{what}; all {total} {unit} are kept in {store} ({size})")
