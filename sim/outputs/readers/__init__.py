"""The parts of sim.outputs.read: tables, manifests, run and comparison folders, sweep folders and chunks."""
