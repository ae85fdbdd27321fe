"""Benchmarks, run with `make bench`: timings and query counts, reported, never asserted."""
