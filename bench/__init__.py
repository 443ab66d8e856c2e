"""Benchmark tooling: a synthetic report generator (bench/generate.py) and its ground truth."""
