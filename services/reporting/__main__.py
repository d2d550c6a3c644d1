"""``python -m services.reporting`` runs the command line."""

from services.reporting.cli import app

app()
