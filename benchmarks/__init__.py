"""Benchmarks of the release flow on synthetic corpora (see benchmarks/README.md).

A package (not loose scripts) so that ``python -m benchmarks.run`` works from the repository
root, as ``make bench`` calls it, without installing anything beyond the project's .venv.
"""
