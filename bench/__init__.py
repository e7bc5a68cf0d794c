"""Benchmarks (not tests): ``python -m bench`` measures the mock against its peers in one run."""
