"""Checks on what users hand the program, made before any work: files, names, run settings, comparisons.

Every check ends in one `ConfigError` (file, key, what was wrong, a hint), so the command line can print one line
and exit with 2, and the Python API raises the same error with the same words. Only the standard library is
imported here: validation stays fast.
"""

from __future__ import annotations

import numbers
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ConfigError

if TYPE_CHECKING:
    from sim.config import Scenario

MAX_FILE_BYTES = 10_000_000  # a resolved scenario is about 30 kB; anything this large is not a config file
MAX_DEPTH = 32  # a scenario nests about 6 levels; deeper is garbage (and would exhaust Python's recursion)
MAX_NAME = 100  # names become folder names (results/<name>/, .<name>.<random>.partial); 255 bytes is the limit
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
NAME_HINT = "use letters, digits, '_', '-' and '.', starting with a letter or digit"
MAX_SEED = 2**63 - 1
UTF8_BOM = b"\xef\xbb\xbf"
SAVE_AS_UTF8 = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"

# A comparison folder holds these beside one sub-folder per scenario; a scenario may not take their names.
COMPARISON_ENTRIES = ("plots", "comparison.csv", "comparison_steps.csv", "manifest.json")


# ---------------------------------------------------------------------------------------------------------------
# Files


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; one ConfigError naming the file if it cannot be read, decoded or parsed.

    Text must be UTF-8, as TOML requires; a leading UTF-8 byte-order mark (which some Windows editors write) is
    accepted and skipped. Latin-1, UTF-16 and binary files are refused with the line and column of the first
    offending byte. Nesting deeper than MAX_DEPTH is refused rather than recursed into.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise ConfigError("is a folder, not a file", file=path, hint="give a .toml file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"is larger than {MAX_FILE_BYTES // 1_000_000} MB: not a config file", file=path)
    text = decode(data, path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=path, hint="check quotes, brackets and '=' signs") from None
    except RecursionError:
        raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", file=path, hint=_DEPTH_HINT) from None
    deep = too_deep(raw)
    if deep is not None:
        raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", file=path, key=deep, hint=_DEPTH_HINT)
    return raw


_DEPTH_HINT = "a scenario or sweep needs only a few levels of tables and lists"


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text of a file's bytes (a UTF-8 byte-order mark dropped), or a ConfigError saying what it is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError("is UTF-16 text, not UTF-8", file=path, hint=SAVE_AS_UTF8)
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        raise ConfigError(f"is not a text file (a zero byte at line {line}, column {column})", file=path)
    try:
        return data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0)
        line, column = _position(data, offset)
        raise ConfigError(
            f"is not UTF-8 text (byte 0x{data[offset]:02x} at line {line}, column {column}; Latin-1 or binary?)",
            file=path,
            hint=SAVE_AS_UTF8,
        ) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of `offset`."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def too_deep(tree: Any, limit: int = MAX_DEPTH) -> str | None:
    """The top-level key under which tables or lists nest deeper than `limit`, or None (iterative: no recursion)."""
    stack: list[tuple[Any, int, str]] = [(tree, 1, "")]
    while stack:
        node, depth, key = stack.pop()
        if depth > limit:
            return key.split(".")[0].split("[")[0]
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, child in items:
            if isinstance(child, dict | list):
                sub = f"{key}[{k}]" if isinstance(k, int) else (f"{key}.{k}" if key else str(k))
                stack.append((child, depth + 1, sub))
    return None


def check_not_empty(raw: Mapping[str, Any], path: Path, what: str = "a scenario") -> None:
    """An empty (or comment-only) file is a mistake, not a request for the defaults under another name."""
    if not raw:
        raise ConfigError(
            "the file is empty (or holds only comments)",
            file=path,
            hint=f"{what} needs at least one setting; see scenarios/ for examples",
        )


def is_sweep(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a sweep (it names a base scenario and what to vary), not a scenario."""
    return "vary" in raw or "scenario" in raw


SCENARIO_ONLY = ("name", "world", "steps", "replications", "seed", "initial_trust", "parameters", "policies")


def is_world(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a world, not a scenario: actors, trust and moves, no run settings, and trust only
    among its own actors (a scenario that adds an actor gives trust between it and the world's actors)."""
    actors, trust = raw.get("actors"), raw.get("trust")
    if not (isinstance(actors, dict) and isinstance(trust, dict) and "moves" in raw):
        return False
    named = set(trust) | {t for row in trust.values() if isinstance(row, dict) for t in row}
    return named <= set(actors) and not any(key in raw for key in SCENARIO_ONLY)


# ---------------------------------------------------------------------------------------------------------------
# Names (they become folder names)


def check_name(name: str, *, file: str | Path | None = None, key: str = "name") -> None:
    """A name that is safe as one folder name: no path separators, not `.` or `..`, not hidden, not too long."""
    shown = name if len(name) <= 40 else name[:40] + "..."
    if not NAME.fullmatch(name):
        raise ConfigError(f"'{shown}' is not a usable name", file=file, key=key, hint=NAME_HINT)
    if len(name) > MAX_NAME:
        raise ConfigError(
            f"'{shown}' is {len(name)} characters long; at most {MAX_NAME}", file=file, key=key, hint="shorten it"
        )


# ---------------------------------------------------------------------------------------------------------------
# Run settings: the same checks (and words) for command-line options and Python arguments


def parse_whole(text: str, unit: str = "") -> int:
    """A command-line number: whole, or ValueError with the message users see."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"must be a whole number{unit}, got '{text}'") from None


def as_whole(value: Any) -> int:
    """A Python argument that must be an int (not a bool, float or string), or ValueError with the message."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"must be a whole number, got {value!r}")
    return int(value)


def at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
    return value


def whole_between(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """A parser of command-line whole numbers from `low` to `high` (ValueError with the message users see)."""

    def parse(text: str) -> int:
        value = parse_whole(text)
        if not low <= value <= high:
            raise ValueError(f"must be {what or f'between {low} and {high}'}, got {value}")
        return value

    return parse


def seed_range(value: int) -> int:
    if not 0 <= value <= MAX_SEED:
        raise ValueError(f"must be between 0 and 2**63 - 1, got {value}")
    return value


def run_settings(steps: Any = None, replications: Any = None, seed: Any = None) -> dict[str, int]:
    """Python arguments steps, replications (a count) and seed checked like the command line's options; the ones
    given, as ints. ConfigError (key = the argument) otherwise."""
    checks = {"steps": at_least_one, "replications": at_least_one, "seed": seed_range}
    out = {}
    for key, value in {"steps": steps, "replications": replications, "seed": seed}.items():
        if value is None:
            continue
        try:
            out[key] = checks[key](as_whole(value))
        except ValueError as exc:
            raise ConfigError(str(exc), key=key) from None
    return out


def apply_settings(
    spec: Scenario, settings: Mapping[str, int | None], source: str | None = None, *, file: str | Path | None = None
) -> Scenario:
    """The scenario with run settings (steps, replications, seed) replaced and re-checked as a whole: an event
    after the new last step is an error like in a file. `source` says where the settings came from, `file` which
    file the scenario was read from (for the message)."""
    from sim.config import validate_raw

    overrides = {k: v for k, v in settings.items() if v is not None}
    if all(getattr(spec, k) == v for k, v in overrides.items()):
        return spec
    try:
        return validate_raw(spec.model_dump() | overrides, file=file or f"<scenario {spec.name}>")
    except ConfigError as exc:
        given = source or " ".join(f"--{k} {v}" for k, v in overrides.items())
        raise ConfigError(f"{exc.message} (with {given})", file=exc.file, key=exc.key, hint=exc.hint) from None


def check_run_memory(spec: Scenario, replications: int, scenarios: int = 1) -> None:
    """Refuse a run (or a comparison of `scenarios` runs) whose trajectories would not fit in the free memory.

    Every replication's trajectory is kept compactly (sim.recording): trust (float32, N x N), moves and events as
    small counts, per step; tables and summaries work on a bounded block of it at a time.
    """
    from sim.recording import state_bytes
    from sim.safety import available_memory, size_text

    n, k, e = len(spec.world.actors), len(spec.world.moves), len(spec.all_events())
    need = scenarios * replications * (spec.steps + 1) * state_bytes(n, k, e)
    free = available_memory()
    if free is not None and need > free:
        runs = f"{scenarios} runs of " if scenarios > 1 else ""
        raise ConfigError(
            f"{runs}{replications:,} replications x {spec.steps + 1:,} months of {spec.name} need about "
            f"{size_text(need)} of memory, more than the {size_text(free)} free",
            hint="use fewer replications or steps, or run them as a sweep (which keeps only each replication's "
            "outcomes, chunk by chunk)",
        )


# ---------------------------------------------------------------------------------------------------------------
# Comparisons


def check_comparable(specs: Sequence[Scenario], files: Sequence[str | Path | None] | None = None) -> None:
    """Scenarios that can be compared: at least two, distinct names, the same actors, and (for the folder a
    comparison writes) no name that is one of the comparison's own files."""
    files = list(files) if files is not None else [None] * len(specs)
    if len(specs) < 2:
        raise ConfigError("give at least two scenarios (the first is the reference)")
    first, seen = specs[0], set()
    for spec, file in zip(specs, files, strict=True):
        if spec.name in seen:
            raise ConfigError(f"scenario '{spec.name}' is given twice", hint="compare different scenarios")
        seen.add(spec.name)
        if spec.name.lower() in COMPARISON_ENTRIES:
            raise ConfigError(
                f"a scenario named '{spec.name}' would collide with the comparison's own '{spec.name}'",
                file=file,
                key="name",
                hint=f'rename it, e.g. name = "{spec.name}_scenario"',
            )
        if set(spec.actors) != set(first.actors):
            raise ConfigError(
                f"scenario '{spec.name}' has actors {', '.join(spec.actors)} but '{first.name}' has "
                f"{', '.join(first.actors)}; a comparison needs the same actors",
                file=file,
                hint="compare scenarios of the same world",
            )


def comparison_name(names: Sequence[str]) -> str:
    """The default folder name of a comparison, `A_vs_B_vs_C`, shortened when it would be too long."""
    joined = "_vs_".join(names)
    return joined if len(joined) <= MAX_NAME else f"{names[0]}_vs_{len(names) - 1}_others"


# ---------------------------------------------------------------------------------------------------------------
# Schedules that can never act (checked on files; a sweep may vary a probability down to 0 on purpose)


def check_schedules(scenario: Scenario, own_events: Mapping[str, Any], origin: Any) -> None:
    """Policies and rules that can never act (probability 0) and events that can never happen (no rate, no date)
    are errors in a file. A scenario may switch a world event off by writing its `rate = 0` explicitly."""
    for kind, what, items in (("policies", "policy", scenario.policies), ("rules", "rule", scenario.rules)):
        for i, item in enumerate(items):
            if item.probability == 0:
                loc = (kind, i, "probability")
                raise ConfigError(
                    f"probability 0: this {what} can never act",
                    file=origin(loc),
                    key=f"{kind}[{i}].probability",
                    hint="give a probability above 0, or remove it",
                )
    for i, rule in enumerate(scenario.world.rules):
        if rule.probability == 0:
            loc = ("world", "rules", i, "probability")
            raise ConfigError(
                "probability 0: this rule can never act",
                file=origin(loc),
                key=f"rules[{i}].probability",
                hint="give a probability above 0, or remove it",
            )
    world_events = scenario.world.events
    for name, event in scenario.events.items():
        switched_off = name in world_events and isinstance(own_events.get(name), dict) and "rate" in own_events[name]
        if event.rate == 0 and not event.at and not switched_off:
            raise ConfigError(
                f"event '{name}' can never happen: it has neither a rate nor dates",
                file=origin(("events", name)),
                key=f"events.{name}",
                hint="give rate = <chance per step> or at = [steps]",
            )
