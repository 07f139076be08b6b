"""A non-editable install carries the built-in profiles and sounds."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, timeout=300)
    return next(out.glob("bls-*.whl"))


def test_the_wheel_carries_profiles_and_sounds(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for profile in ("base", "standard", "slow", "fast", "tapping", "share"):
        assert f"bls/_data/config/profiles/{profile}.toml" in names
    assert {"bls/_data/assets/sounds/woodblock.wav", "bls/_data/assets/sounds/chime.wav"} <= names


def test_the_wheel_carries_the_client_link_page(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("client.html", "client.js", "client.css", "timeline.js"):
        assert f"bls/link/static/{name}" in names


def test_the_installed_package_finds_its_profiles_outside_the_source_tree(
        wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "BLS_CONFIG_HOME": str(tmp_path / "cfg")}
    out = tmp_path / "t.wav"
    result = subprocess.run([sys.executable, "-m", "bls", "export-audio", str(out), "-p", "slow",
                             "--sets", "1"], capture_output=True, text=True, cwd=tmp_path,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "8 tones" in result.stdout  # the slow profile's chime, read from the wheel
    listing = subprocess.run([sys.executable, "-c", "import bls.paths as p; print(p.data_dir())"],
                             capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    assert listing.stdout.strip() == str(site / "bls" / "_data")


def test_the_installed_package_serves_the_client_page(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "BLS_CONFIG_HOME": str(tmp_path / "cfg")}
    code = ("import urllib.request\nfrom bls.link.server import LinkServer\n"
            "with LinkServer() as link:\n    url = link.start('127.0.0.1', 0)\n"
            "    for path in ('', 'static/client.js', 'static/timeline.js'):\n"
            "        print(urllib.request.urlopen(url + path).status)\n"
            "import bls.link.server as s; print(s.STATIC_DIR)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "200", str(site / "bls" / "link" / "static")]
