"""Waymark APIs for other front ends: reviewed content (Wagtail API) and the directory (HSDS)."""
