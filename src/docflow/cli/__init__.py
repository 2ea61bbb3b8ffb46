"""Command-line interface: ``docflow`` and its subcommands (typer + rich).

Modules here import only typer and docflow's light modules at import time,
so ``docflow --help`` starts fast; DuckDB, the MCP SDK and the document
libraries are imported inside the commands that use them.
"""
