"""Entry point: ``python -m deploy.local``."""

from deploy.local.cli import main

main()
