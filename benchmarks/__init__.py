"""Benchmarks for diplosim: run `python -m benchmarks.run` (see benchmarks/run.py)."""
