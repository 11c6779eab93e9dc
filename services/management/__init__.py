"""Management commands of the services directory."""
