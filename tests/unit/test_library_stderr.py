"""While bls holds a sound device, C libraries' own stderr lines (PortAudio's "Expression ...
failed" when a device dies) do not reach the user's terminal; bls's own lines still do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, sys
from bls.audio.portaudio import library_stderr
library_stderr.silence()
os.write(2, b"Expression 'ret' failed in 'src/hostapi/alsa/pa_linux_alsa.c', line: 3665\\n")
print("bls: sound device stopped", file=sys.stderr)
library_stderr.restore()
os.write(2, b"after\\n")
"""


def test_only_bls_lines_reach_stderr_while_a_device_is_held() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == "bls: sound device stopped\nafter\n"


def test_the_lines_can_be_kept_for_debugging() -> None:
    env_script = "import os; os.environ['BLS_LIBRARY_STDERR'] = '1'\n" + SCRIPT
    result = subprocess.run([sys.executable, "-c", env_script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "Expression 'ret' failed" in result.stderr
