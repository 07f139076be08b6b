"""Fixtures for every tier of tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test, and every bls it starts (children get these through merged_env's copy of
    os.environ), has empty config, data and Documents folders of its own: never the developer's
    profiles, settings or session logs, and never what an earlier test chose (the profile used
    last). A test that needs a particular folder passes its own in its env. Returns the config
    folder."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("BLS_CONFIG_HOME", str(home))
    monkeypatch.setenv("BLS_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("BLS_DOCUMENTS_HOME", str(tmp_path_factory.mktemp("documents")))
    return home
