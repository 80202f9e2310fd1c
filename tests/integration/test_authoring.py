"""Authoring help: the move catalogue, a starting scenario that runs, errors that name the world's actors and
the moves that say "less", and history scenarios listed, shown, run and validated by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim
from sim.cli.main import main
from sim.scenario.load import list_scenarios, scenario_dir
from sim.scenario.moves import less_moves


def test_moves_lists_every_move_with_its_class_weight_answer_and_the_essay(capsys) -> None:
    assert main(["moves"]) == 0
    text = capsys.readouterr().out
    world = sim.load_scenario(scenario_dir() / "world.toml").world
    for name, move in world.moves.items():
        row = next(line for line in text.splitlines() if line.startswith(name + " "))
        assert ("cooperative" if move.goldstein > 0 else "hostile") in row and f"{move.goldstein:+.1f}" in row
        assert world.reciprocity.answers.get(name, "in kind") in row
    assert "reduce_aid" in text.split("Less of something")[1] and "pressure" in text.split("Bundles")[1]
    assert 'P8.S3 "Addressing concerns about Pakistan' in text and "CHN (China)" in text
    assert main(["moves", "--no-quotes"]) == 0 and 'P8.S3 "' not in capsys.readouterr().out


def test_new_writes_a_commented_scenario_that_validates_and_runs(tmp_path: Path, capsys) -> None:
    path = tmp_path / "talks.toml"
    assert main(["new", "talks", "--out", str(path)]) == 0
    text = path.read_text()
    assert text.count("\n#") > 30  # explained where it stands
    spec = sim.load_scenario(path)
    assert spec.name == "talks" and spec.start == "2025-01" and spec.policies[0].start == 13  # from 2026-01
    res = sim.run(path, replications=20, steps=36)
    talks = res.moves.sel(actor="USA", move="dialogue").sum("replication").values
    assert talks[13:].mean() > talks[1:13].mean()  # its policy acts from its month on
    uncommented = re.sub(r"(?m)^# (?=\[|[a-z_]+ = )", "", text)  # every commented-out table and key
    path.with_name("all.toml").write_text(uncommented.replace('name = "talks"', 'name = "all"', 1))
    assert sim.load_scenario(path.with_name("all.toml")).rules
    assert main(["new", "talks", "--out", str(path)]) == 2  # never replaced without --force
    assert "already exists" in capsys.readouterr().err and path.read_text() == text


def policy(line: str) -> str:
    return f'name = "x"\n[[policies]]\nname = "p"\nactor = "USA"\nmove = "economic_aid"\ntarget = "PAK"\n{line}\n'


@pytest.mark.parametrize(
    ("line", "key", "fragment"),
    [
        ('actor = "China"', "policies[0].actor", "did you mean CHN (China)?"),
        ('target = "PAKISTAN"', "policies[0].target", "did you mean PAK (Pakistan)?"),
        ("intensity = -0.5", "policies[0].intensity", "reduce_aid"),
        ("intensity = 0", "policies[0].intensity", "lower probability"),
    ],
)
def test_errors_name_the_worlds_actors_and_the_moves_that_say_less(tmp_path: Path, line, key, fragment) -> None:
    text = policy(line)
    for field in ("actor", "target"):  # the line replaces the policy's own actor or target
        if line.startswith(field):
            text = text.replace(f'{field} = "{"USA" if field == "actor" else "PAK"}"\n', "", 1)
    path = tmp_path / "case.toml"
    path.write_text(text)
    with pytest.raises(sim.ConfigError) as err:
        sim.load_scenario(path)
    assert err.value.key == key and fragment in err.value.hint
    if "actor" in key or "target" in key:
        assert "PAK (Pakistan), USA (United States), CHN (China), IND (India)" in err.value.hint
    world = sim.load_scenario(scenario_dir() / "world.toml").world
    assert set(less_moves(world)) == {"reduce_aid", "impose_sanctions", "reduce_relations"}


def test_history_scenarios_are_listed_shown_and_run_by_name(tmp_path: Path, capsys) -> None:
    names = [n for n in list_scenarios() if n.startswith("history/")]
    assert "history/us_pakistan" in names
    assert all((scenario_dir() / f"{n}.toml").is_file() for n in names)
    assert main(["show", names[0]]) == 0 and 'start = "2001-09"' in capsys.readouterr().out
    out = tmp_path / "h"
    assert main(["run", names[0], "-r", "2", "--no-plots", "-q", "--out", str(out)]) == 0


def test_every_bundled_history_file_validates_as_what_it_is(capsys) -> None:
    files = sorted(str(p) for p in (scenario_dir() / "history").glob("*.toml"))
    files += sorted(str(p) for p in (scenario_dir() / "fits").glob("*.toml"))
    files += sorted(str(p) for p in (scenario_dir() / "history").rglob("*.csv"))
    assert main(["validate", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(files) and all(line.startswith("ok  ") for line in lines)
    said = " ".join(lines)
    assert all(
        what in said
        for what in ("fit file: 4 ranges", "train/test split:", "codebook:", "observed series:", "event table:")
    )
    with pytest.raises(sim.ConfigError, match="is a fit file"):
        sim.load_scenario(scenario_dir() / "fits" / "default.toml")


@pytest.mark.parametrize("command", ["moves", "new", "explain"])
def test_new_commands_have_help_with_examples(command: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and f"diplosim {command}" in text
