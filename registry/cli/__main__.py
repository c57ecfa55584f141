"""`python -m registry.cli`: the same entry point as the `ropa` script."""

from registry.cli import entry

entry()
