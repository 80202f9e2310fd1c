"""Config files read as TOML: UTF-8 checked, size and nesting bounded, every failure one ConfigError.

Only the standard library is imported here: validation stays fast.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.util.errors import ConfigError

MAX_FILE_BYTES = 10_000_000  # a resolved scenario is about 30 kB; anything this large is not a config file
MAX_DEPTH = 32  # a scenario nests about 6 levels; deeper is garbage (and would exhaust Python's recursion)
UTF8_BOM = b"\xef\xbb\xbf"
SAVE_AS_UTF8 = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"


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
    return parse_toml(data, path)


def parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    """A TOML file's bytes as a dict, checked as `read_toml` checks a file (errors name `path`)."""
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
    text = data.removeprefix(UTF8_BOM)  # positions are counted in the text, as an editor shows them
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(text, exc.start)
        raise ConfigError(
            f"is not UTF-8 text (byte 0x{text[exc.start]:02x} at line {line}, column {column}; Latin-1 or binary?)",
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
