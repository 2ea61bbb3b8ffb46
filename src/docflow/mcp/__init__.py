"""docflow's MCP servers (classification, quality) and the orchestrator over them.

Import the submodules directly; this package imports nothing so that the CLI
stays fast to start.
"""
