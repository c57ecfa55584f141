"""One module per `ropa` command, each with ``run(args) -> int``."""
