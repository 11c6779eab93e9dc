"""Database backends of Waymark's own (see cms.db.postgresql)."""
