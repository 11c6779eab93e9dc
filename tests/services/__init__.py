"""Tests of the services directory: models, admin, blocks, hours, HSDS exchange."""
