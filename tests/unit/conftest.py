from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test sees empty user config and data folders, never the developer's own profiles
    or session logs."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("BLS_CONFIG_HOME", str(home))
    monkeypatch.setenv("BLS_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("BLS_DOCUMENTS_HOME", str(tmp_path_factory.mktemp("documents")))
    return home
