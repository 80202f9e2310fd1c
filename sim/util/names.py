"""Names that become folder names (results/<name>/, .<name>.<random>.partial): safe as one path component."""

from __future__ import annotations

import re
from pathlib import Path

from sim.util.errors import ConfigError

MAX_NAME = 100  # 255 bytes is the file-system limit; the hidden working folders add to the name
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
NAME_HINT = "use letters, digits, '_', '-' and '.', starting with a letter or digit"


def check_name(name: str, *, file: str | Path | None = None, key: str = "name") -> None:
    """A name that is safe as one folder name: no path separators, not `.` or `..`, not hidden, not too long."""
    shown = name if len(name) <= 40 else name[:40] + "..."
    if not NAME.fullmatch(name):
        raise ConfigError(f"'{shown}' is not a usable name", file=file, key=key, hint=NAME_HINT)
    if len(name) > MAX_NAME:
        raise ConfigError(
            f"'{shown}' is {len(name)} characters long; at most {MAX_NAME}", file=file, key=key, hint="shorten it"
        )
