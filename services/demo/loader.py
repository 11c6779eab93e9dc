"""Loads the Norwalk demo services from norwalk.hsds.json, through the HSDS importer.

The demo is an ordinary HSDS file, so loading it exercises the same import
path operators use. It creates only what is missing: a service, organization or
location that exists is kept as people have edited and reviewed it.
"""

from pathlib import Path

from services.hsds.importer import run_import

DEMO_FILE = Path(__file__).resolve().parent / "norwalk.hsds.json"


def load_services(log=print):
    """Import the demo services that do not exist yet; returns the import summary."""
    _report, summary = run_import(DEMO_FILE, missing_only=True)
    for line in summary.lines():
        log(f"Demo services: {line}")
    return summary
