"""``python -m services.matching`` runs the command line."""

from services.matching.cli import app

app()
