"""The one atomic writer that nn and viz share (autograd/files.py)."""

import os
import stat

import pytest

import viz
from autograd import write_atomically


def test_nn_and_viz_write_through_the_same_function():
    assert viz.write_atomic is write_atomically


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "g.svg"
    target.write_bytes(b"old")
    target.chmod(0o600)
    viz.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["g.svg"]


def test_a_failed_write_names_the_users_path_and_leaves_nothing(tmp_path, monkeypatch):
    def refuse(source, destination):
        raise PermissionError(13, "Permission denied", str(source))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as raised:
        write_atomically(tmp_path / "a.html", "page", "save_html")
    assert raised.value.filename == str(tmp_path / "a.html")
    assert str(raised.value).startswith("[Errno 13] save_html: Permission denied")
    assert os.listdir(tmp_path) == []
