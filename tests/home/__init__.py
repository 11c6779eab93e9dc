"""Tests of the reader page types and their blocks."""
