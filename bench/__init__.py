"""make bench and the production topology it (and the reverse-proxy tests) start."""
