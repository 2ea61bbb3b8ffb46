"""HTTP services over the same core and orchestrator as the CLI.

Nothing is served yet: ``docflow serve`` (gateway, classification, quality and
notification services, web page) is planned, and its routes will call the
functions in ``docflow.core`` and ``docflow.mcp.orchestrator`` like the CLI does.
"""
