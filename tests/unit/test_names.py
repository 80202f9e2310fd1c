"""sim.util.names: names that become folder names are one safe path component."""

from __future__ import annotations

import pytest

from sim.util.errors import ConfigError
from sim.util.names import MAX_NAME, check_name


@pytest.mark.parametrize("name", ["baseline", "us_pressure-2", "v1.2", "9lives"])
def test_usable_names_pass(name):
    check_name(name)


@pytest.mark.parametrize("name", ["", ".", "..", ".hidden", "a/b", "a\\b", "-flag", "with space", "naïve"])
def test_names_that_are_not_one_safe_folder_name_are_refused(name):
    with pytest.raises(ConfigError, match="is not a usable name") as error:
        check_name(name, file="case.toml")
    assert error.value.key == "name" and "letters, digits" in error.value.hint


def test_a_long_name_is_refused_and_shown_shortened():
    with pytest.raises(ConfigError, match=rf"'a{{40}}\.\.\.' is {MAX_NAME + 1} characters long") as error:
        check_name("a" * (MAX_NAME + 1), key="out")
    assert error.value.key == "out"
    check_name("a" * MAX_NAME)
