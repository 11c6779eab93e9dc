"""The Norwalk demo directory, kept as an HSDS file and loaded through the importer."""
