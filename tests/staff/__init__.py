"""Tests of staff sign-in."""
