"""Management commands of the services directory (HSDS import and export)."""
