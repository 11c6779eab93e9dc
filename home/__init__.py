"""Reader page types: home, topic index and topic pages."""
