"""Tests of the content API, the HSDS directory API and their HTTP layer."""
