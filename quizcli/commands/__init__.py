"""One module per command group; each registers its commands on the shared typer app.

Command modules import only typer at module level: what a command needs is imported inside
it, so `quizcli --help` and light commands stay fast.
"""
