"""The `quizcli` console script: imports the CLI inside a guard, so Ctrl-C during start-up
(typer and rich take a moment to import) ends quietly instead of with a traceback."""
import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(130)
    run()
