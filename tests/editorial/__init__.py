"""Tests of editorial trust: the demo loader, reviews, translation status, high-risk records."""
