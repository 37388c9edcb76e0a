"""``python -m peercli`` runs the same command as ``peer``."""

from peercli.cli.app import main

main()
