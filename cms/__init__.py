"""Waymark project package: settings, URLs, shared templates and reader plumbing."""
