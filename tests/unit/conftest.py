from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test sees an empty user config folder, never the developer's own profiles."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("BLS_CONFIG_HOME", str(home))
    return home
