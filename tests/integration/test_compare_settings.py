"""`diplosim compare` never changes a scenario silently: whatever the order, differing settings or calendars are
one line (exit 2, nothing written) saying how to fix it, and common months are announced."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main

AID_2026 = """
name = "aid_2026"
start = "2026-01"
end = "2030-12"
replications = 200
[[policies]]
name = "aid"
actor = "USA"
move = "economic_aid"
target = "PAK"
"""


@pytest.mark.parametrize("order", [1, -1])
def test_a_dated_scenario_from_another_month_is_refused_in_either_order(tmp_path: Path, capsys, order: int) -> None:
    aid = tmp_path / "aid_2026.toml"
    aid.write_text(AID_2026)
    out = tmp_path / "out"
    names = ["baseline", str(aid)][::order]
    assert main(["compare", *names, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "replications" in err and "baseline 500" in err and "aid_2026 200" in err
    assert main(["compare", *names, "-r", "4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "starts 2025-01" in err and "starts 2026-01" in err and 'start = "' in err
    assert not out.exists()


def test_common_months_are_announced_and_recorded(tmp_path: Path, capsys) -> None:
    short = tmp_path / "short.toml"
    short.write_text('name = "short"\nend = "2026-12"\n')
    out = tmp_path / "out"
    assert main(["compare", "baseline", str(short), "-r", "4", "--no-plots", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Note: compared over 2025-01 to 2026-12") and "mean over 2026-01 to 2026-12" in printed
    assert '"aligned": "compared over 2025-01 to 2026-12' in (out / "manifest.json").read_text()


def test_compare_help_says_what_it_prints_and_where_settings_come_from(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the median and 90% band" in text and "when they agree" in text and "Monte Carlo precision" in text
