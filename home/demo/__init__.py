"""Demo content for Norwalk, CT, from the unverified seed guide, with its translations."""
