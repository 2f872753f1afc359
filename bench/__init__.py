"""Benchmarks: `make bench` runs them all and prints the figures (also written to bench/results.json)."""
