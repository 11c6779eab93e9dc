"""Tests of the reader endpoints: search, offline, feedback, languages and the sitemap."""
