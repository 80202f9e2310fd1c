"""The `diplosim` command (placeholder until the CLI lands): runs the baseline."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    import sim

    res = sim.run("baseline")
    print(res.summary().query("step == step.max()").to_string(index=False))
    return 0
