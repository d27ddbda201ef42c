"""Timing scripts, run by hand (python -m benchmarks.<name>); not part of the test suite."""
