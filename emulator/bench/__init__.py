"""Benchmarks that print figures; results are recorded in BENCHMARKS.md."""
