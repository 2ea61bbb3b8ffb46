"""Business logic shared by the CLI, the MCP servers, the watch daemon and services."""
