"""`python -m sim`: the same as the `diplosim` command."""

from sim.cli.main import console

console()
