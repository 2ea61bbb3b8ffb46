"""Tests for where a standalone MCP server keeps its extraction cache.

An MCP client starts a server in any working folder, so a server started on
its own, with no cache folder configured, must write to the user's cache
folder and never to its working folder. Each test runs a real server process
through the SDK's ``stdio_client`` with HOME and XDG_CACHE_HOME set to
temporary folders.
"""

import asyncio
import os
import sys
from pathlib import Path

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TEXT = (
    "Invoice number 1042\nBill to ACME Ltd\nAmount due 310.00 EUR\nVAT 21%\n"
    "Payment terms 30 days\nTotal due 310.00 EUR\n"
)
DOCFLOW = str(Path(sys.executable).parent / "docflow")
COMMANDS = {
    "module": [sys.executable, "-m", "docflow.mcp.classification_server"],
    "cli": [DOCFLOW, "mcp", "classification"],
}


@pytest.fixture
def folders(tmp_path):
    """Return the working, home, XDG cache and documents folders, all empty."""
    named = {}
    for name in ("work", "home", "xdg", "docs"):
        named[name] = tmp_path / name
        named[name].mkdir()
    (named["docs"] / "invoice.txt").write_text(TEXT)
    return named


def server_environment(folders, **extra):
    """Return os.environ without DOCFLOW_* variables, HOME moved into ``folders``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DOCFLOW_") and name != "XDG_CACHE_HOME"
    }
    env["HOME"] = str(folders["home"])
    env["XDG_CACHE_HOME"] = str(folders["xdg"])
    env.update(extra)
    return env


async def classify(command, folders, env, log):
    params = StdioServerParameters(
        command=command[0],
        args=[*command[1:], "--root", str(folders["docs"])],
        env=env,
        cwd=str(folders["work"]),
    )
    with open(log, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await session.call_tool(
                    "classify_document", {"path": str(folders["docs"] / "invoice.txt")}
                )


def files_under(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("started_by", list(COMMANDS))
def test_standalone_cache_goes_to_xdg_cache(tmp_path, folders, started_by):
    env = server_environment(folders)
    result = asyncio.run(
        classify(COMMANDS[started_by], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert result.structured_content["status"] == "ok"
    assert files_under(folders["work"]) == []
    assert list((folders["xdg"] / "docflow" / "extract").rglob("*.json"))
    assert files_under(folders["home"]) == []


def test_standalone_cache_without_xdg_uses_home(tmp_path, folders):
    env = server_environment(folders)
    del env["XDG_CACHE_HOME"]
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert files_under(folders["work"]) == []
    cache = folders["home"] / ".cache" / "docflow" / "extract"
    assert list(cache.rglob("*.json"))


def test_configured_cache_dir_is_kept(tmp_path, folders):
    configured = tmp_path / "configured-cache"
    env = server_environment(folders, DOCFLOW_STORE_CACHE_DIR=str(configured))
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert list((configured / "extract").rglob("*.json"))
    assert files_under(folders["xdg"]) == []


def test_unwritable_cache_does_not_fail_call(tmp_path, folders):
    # A regular file in place of the cache folder makes every write fail, even
    # for root, whom a folder without write permission would not stop.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = server_environment(folders, XDG_CACHE_HOME=str(blocker))
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert result.structured_content["status"] == "ok"
    assert files_under(folders["work"]) == []
    log = (tmp_path / "server.log").read_text()
    assert "cannot write extraction cache entry" in log


def test_copy_of_repository_settings_uses_xdg_cache(tmp_path, folders):
    repository_settings = Path(__file__).resolve().parents[1] / "docflow.toml"
    (folders["work"] / "docflow.toml").write_text(repository_settings.read_text())
    env = server_environment(folders)
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert files_under(folders["work"]) == ["docflow.toml"]
    assert list((folders["xdg"] / "docflow" / "extract").rglob("*.json"))


@pytest.mark.parametrize("source", ["environment", "settings file"])
def test_relative_cache_dir_logs_warning(tmp_path, folders, source):
    if source == "environment":
        env = server_environment(folders, DOCFLOW_STORE_CACHE_DIR="relative-cache")
    else:
        (folders["work"] / "docflow.toml").write_text(
            '[store]\ncache_dir = "relative-cache"\n'
        )
        env = server_environment(folders)
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    log = (tmp_path / "server.log").read_text()
    warning = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warning) == 1, log
    assert "'relative-cache' is relative" in warning[0]
    assert str(folders["work"] / "relative-cache") in warning[0]
    assert "an absolute path" in warning[0]


def test_absolute_cache_dir_logs_no_warning(tmp_path, folders):
    configured = tmp_path / "configured-cache"
    env = server_environment(folders, DOCFLOW_STORE_CACHE_DIR=str(configured))
    result = asyncio.run(
        classify(COMMANDS["module"], folders, env, tmp_path / "server.log")
    )

    assert not result.is_error, result.content
    assert "WARNING" not in (tmp_path / "server.log").read_text()
