"""Tests of the benchmarks' generated content."""
