"""PostgreSQL that waits out a restart (cms.db.postgresql.base)."""
