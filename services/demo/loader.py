"""Loads the Norwalk demo services from norwalk.hsds.json, through the HSDS importer.

The demo is an ordinary HSDS file, so loading it exercises the same import
path operators use, and re-running it changes nothing.
"""

from pathlib import Path

from services.hsds.importer import run_import

DEMO_FILE = Path(__file__).resolve().parent / "norwalk.hsds.json"


def load_services(log=print):
    """Import the demo services (idempotent); returns the import summary."""
    _report, summary = run_import(DEMO_FILE)
    for line in summary.lines():
        log(f"Demo services: {line}")
    return summary
