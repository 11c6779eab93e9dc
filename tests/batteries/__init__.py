"""Cross-cutting batteries: permissions, stored XSS, budgets, headers, catalogues, upgrades."""
