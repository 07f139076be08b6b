"""Benchmarks for bls: every figure is printed next to a baseline measured in the same run.

Run `python -m bench` from the repository root. See bench/README.md for what each figure means.
"""
