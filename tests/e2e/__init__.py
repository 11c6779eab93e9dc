"""Waymark's test suite."""
