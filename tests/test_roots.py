"""Tests for the root folders that bound what MCP tools may read."""

import os

import pytest

from docflow.core.config import Settings
from docflow.core.roots import OutsideRoots, Roots, resolve_roots
from docflow.errors import UsageError


@pytest.fixture
def layout(tmp_path):
    data = tmp_path / "data"
    evil = tmp_path / "data-evil"
    outside = tmp_path / "outside"
    for folder in (data / "sub", evil, outside):
        folder.mkdir(parents=True)
    (data / "sub" / "a.txt").write_text("inside")
    (evil / "b.txt").write_text("sibling")
    (outside / "secret.txt").write_text("secret")
    (data / "escape.txt").symlink_to(outside / "secret.txt")
    (data / "escape-dir").symlink_to(outside)
    (data / "inner-link.txt").symlink_to(data / "sub" / "a.txt")
    return tmp_path


def test_roots_admit_file_inside(layout):
    roots = Roots(resolve_roots([layout / "data"]))
    assert roots.contains(layout / "data" / "sub" / "a.txt")


def test_roots_admit_symlink_staying_inside(layout):
    roots = Roots(resolve_roots([layout / "data"]))
    assert roots.contains(layout / "data" / "inner-link.txt")


@pytest.mark.parametrize(
    "relative",
    [
        "data-evil/b.txt",
        "outside/secret.txt",
        "data/escape.txt",
        "data/escape-dir/secret.txt",
        "data/../outside/secret.txt",
        "data/sub/../../data-evil/b.txt",
    ],
)
def test_roots_reject_paths_outside(layout, relative):
    roots = Roots(resolve_roots([layout / "data"]))
    assert not roots.contains(layout / relative)
    with pytest.raises(OutsideRoots) as caught:
        roots.check(str(layout / relative))
    assert str(layout / relative) in str(caught.value)


def test_roots_check_returns_real_path(layout):
    roots = Roots(resolve_roots([layout / "data"]))
    real = roots.check(str(layout / "data" / "inner-link.txt"))
    assert real == os.path.realpath(layout / "data" / "sub" / "a.txt")


def test_roots_root_itself_admitted(layout):
    roots = Roots(resolve_roots([layout / "data"]))
    assert roots.contains(layout / "data")


def test_resolve_roots_prefers_argument_over_settings(layout):
    settings = Settings.model_validate({"mcp": {"roots": [str(layout / "outside")]}})
    resolved = resolve_roots([layout / "data"], settings)
    assert resolved == [(layout / "data").resolve()]


def test_resolve_roots_reads_settings(layout):
    settings = Settings.model_validate({"mcp": {"roots": [str(layout / "outside")]}})
    assert resolve_roots(None, settings) == [(layout / "outside").resolve()]


def test_resolve_roots_defaults_to_cwd(layout, monkeypatch):
    monkeypatch.chdir(layout / "data")
    assert resolve_roots(None, Settings()) == [(layout / "data").resolve()]


def test_resolve_roots_rejects_missing_folder(layout):
    with pytest.raises(UsageError) as caught:
        resolve_roots([layout / "missing"])
    assert "missing" in str(caught.value)


def test_relative_path_reads_against_root_outside_cwd(layout, monkeypatch):
    (layout / "data" / "sub" / "my cv.txt").write_text("cv")
    monkeypatch.chdir(layout / "outside")
    roots = Roots(resolve_roots([layout / "data"]))

    real = roots.check("sub/my cv.txt")

    assert real == os.path.realpath(layout / "data" / "sub" / "my cv.txt")


def test_relative_path_takes_first_root_where_it_exists(layout, monkeypatch):
    monkeypatch.chdir(layout / "outside")
    roots = Roots(resolve_roots([layout / "data", layout / "data-evil"]))
    assert roots.check("b.txt") == os.path.realpath(layout / "data-evil" / "b.txt")


def test_relative_path_prefers_cwd_inside_root(layout, monkeypatch):
    (layout / "data" / "a.txt").write_text("top")
    monkeypatch.chdir(layout / "data" / "sub")
    roots = Roots(resolve_roots([layout / "data"]))
    assert roots.check("a.txt") == os.path.realpath(layout / "data" / "sub" / "a.txt")


def test_relative_escape_is_rejected(layout, monkeypatch):
    monkeypatch.chdir(layout / "outside")
    roots = Roots(resolve_roots([layout / "data"]))
    with pytest.raises(OutsideRoots, match="outside the allowed root folders"):
        roots.check("../outside/secret.txt")


@pytest.mark.parametrize("relative", ["escape.txt", "escape-dir/secret.txt"])
def test_symlink_leaving_root_is_named(layout, monkeypatch, relative):
    monkeypatch.chdir(layout / "outside")
    roots = Roots(resolve_roots([layout / "data"]))
    with pytest.raises(OutsideRoots, match="is a symlink that leaves"):
        roots.check(relative)


@pytest.mark.parametrize("blank", ["", "  "])
def test_roots_reject_empty_path(layout, monkeypatch, blank):
    monkeypatch.chdir(layout / "data")  # the working folder is inside the root
    roots = Roots(resolve_roots([layout / "data"]))
    with pytest.raises(OutsideRoots, match="the path is empty"):
        roots.check(blank)


@pytest.mark.parametrize("name", ["\0", "\0a.txt", "sub/a.txt\0", "sub\0/a.txt"])
def test_roots_reject_nul_in_path(layout, monkeypatch, name):
    monkeypatch.chdir(layout / "data")
    roots = Roots(resolve_roots([layout / "data"]))
    for path in (name, str(layout / "data" / name)):
        assert not roots.contains(path)
        with pytest.raises(OutsideRoots, match="contains a NUL character"):
            roots.check(path)
