"""Peak resident set size of a process tree (a process plus all its descendants), sampled in a thread."""

from __future__ import annotations

import contextlib
import resource
import threading
from pathlib import Path


def _tree_rss_psutil(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def _tree_rss_proc(pid: int) -> int:
    """Fallback without psutil: walk /proc for descendants and sum VmRSS."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        parents[int(entry.name)] = int(fields.get("PPid", "0"))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in tree)


def tree_rss(pid: int) -> int:
    """Current RSS in bytes of `pid` and its descendants (shared pages counted once per process)."""
    try:
        return _tree_rss_psutil(pid)
    except ImportError:
        return _tree_rss_proc(pid)


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) so far of `pid` and each descendant, by pid (empty without psutil)."""
    try:
        import psutil
    except ImportError:
        return {}
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    out = {}
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            out[proc.pid] = times.user + times.system
    return out


class PeakRSS:
    """Context manager sampling a process tree every `interval` seconds: `.peak` RSS in bytes, `.cpu` seconds.

    Sampling can miss a short spike between samples; RSS counts pages shared after fork once per process,
    so the sum over a tree is an upper bound on the memory really in use. `.cpu` sums each process's CPU time
    as last seen (it misses at most one interval per process; 0 without psutil).
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu(self) -> float:
        return sum(self._cpu.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._cpu.update(tree_cpu(self.pid))
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def maxrss_self_and_children() -> int:
    """getrusage's peak RSS of this process plus the largest waited-for child, in bytes (Linux reports KiB).

    RUSAGE_CHILDREN gives the maximum over children, not their sum, so this understates concurrent workers.
    """
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) * 1024
