"""sim.util.tomlfile: every way a config file can fail to be TOML is one ConfigError naming the file."""

from __future__ import annotations

import pytest

from sim.util import tomlfile
from sim.util.errors import ConfigError


def write(tmp_path, data: bytes):
    path = tmp_path / "case.toml"
    path.write_bytes(data)
    return path


def test_utf8_with_or_without_a_byte_order_mark_is_read(tmp_path):
    assert tomlfile.read_toml(write(tmp_path, b'name = "x"\n')) == {"name": "x"}
    assert tomlfile.read_toml(write(tmp_path, tomlfile.UTF8_BOM + 'name = "é"\n'.encode())) == {"name": "é"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('name = "x"\n'.encode("utf-16"), "is UTF-16 text"),
        (b'name = "x"\nb = "\x00"\n', "a zero byte at line 2, column 6"),
        (b'name = "x"\nb = "caf\xe9"\n', "byte 0xe9 at line 2, column 9"),
        (tomlfile.UTF8_BOM + b'b = "\xe9"\n', "byte 0xe9 at line 1, column 6"),  # the mark is not a column
        (b"steps = = 3\n", "not valid TOML"),
    ],
)
def test_what_is_not_utf8_toml_is_one_error_saying_where(tmp_path, data, words):
    path = write(tmp_path, data)
    with pytest.raises(ConfigError, match=words) as error:
        tomlfile.read_toml(path)
    assert error.value.file == str(path)


def test_folders_missing_and_oversized_files_are_refused(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="is a folder"):
        tomlfile.read_toml(tmp_path)
    with pytest.raises(ConfigError, match="cannot read"):
        tomlfile.read_toml(tmp_path / "missing.toml")
    monkeypatch.setattr(tomlfile, "MAX_FILE_BYTES", 10)
    with pytest.raises(ConfigError, match="larger than"):
        tomlfile.read_toml(write(tmp_path, b'name = "eleven bytes"\n'))


def test_nesting_deeper_than_the_limit_names_the_top_level_key(tmp_path):
    """40 nested arrays under `a` (deeper than MAX_DEPTH 32); 3 levels pass."""
    assert tomlfile.too_deep({"a": {"b": [{"c": 1}]}}) is None
    assert tomlfile.too_deep({"ok": 1, "a": [[[1]]]}, limit=3) == "a"
    with pytest.raises(ConfigError, match="nested more than 32 levels") as error:
        tomlfile.read_toml(write(tmp_path, b"a = " + b"[" * 40 + b"]" * 40 + b"\n"))
    assert error.value.key == "a"


def test_an_empty_file_is_a_mistake(tmp_path):
    with pytest.raises(ConfigError, match="empty"):
        tomlfile.check_not_empty({}, tmp_path / "case.toml")
    tomlfile.check_not_empty({"name": "x"}, tmp_path / "case.toml")
