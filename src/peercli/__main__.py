"""``python -m peercli`` runs the same command as ``peer``."""

from peercli.app import main

main()
