"""Tests of the foundation: page cache, backups, production serving, uploads, checks."""
