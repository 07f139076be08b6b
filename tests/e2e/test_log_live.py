"""The real front-ends keep the session log: `bls run` and `bls tap` through X and PulseAudio.

`bls tap` is killed with SIGKILL in the middle of its second set: the log must hold the first
set, whole, and read back without a warning. `bls run` logs the set it ran, and a set under way
when Esc quits as stopped; `--no-log` writes nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bls.log import read_session
from bls.log.store import list_logs
from tests.e2e.harness import merged_env, require_tools
from tests.e2e.test_run import Bls

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


def sessions() -> Path:
    return Path(os.environ["BLS_DATA_HOME"]) / "sessions"


def test_tap_killed_mid_set_keeps_the_sets_that_ended(pulse: dict[str, str]) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "bls", "tap", "-p", "tapping", "--sets", "3", "--pause", "0.5",
         "--seconds", "2"],
        cwd=REPO, env=merged_env(pulse), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    lines: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("set 2/3:"):  # set 2 has begun: kill it mid-set
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, (lines, child.stderr and child.stderr.read())
    (path,) = list_logs(sessions())
    assert lines[1] == f"session log: {path}"
    record = read_session(path)
    assert record.warnings == ()
    (first,) = record.sets
    assert (first.set_number, first.ended, first.profile) == (1, "completed", "Tapping")
    assert first.passes_done == first.passes_planned > 0
    assert record.header.frontend == "tap"


def run_one_set(xserver: dict[str, str], pulse: dict[str, str], *extra: str
                ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "bls", "run", "--window", "640x360", "--passes", "4",
         "--autostart", "--exit-after-set", *extra],
        cwd=REPO, env=merged_env(xserver, pulse, {"BLS_VSYNC": "0"}), capture_output=True,
        text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    return result


def test_run_logs_the_set_it_ran(xserver: dict[str, str], pulse: dict[str, str]) -> None:
    result = run_one_set(xserver, pulse)
    (path,) = list_logs(sessions())
    assert f"bls: session log: {path}" in result.stdout.splitlines()
    record = read_session(path)
    assert record.warnings == () and record.header.frontend == "run"
    (only,) = record.sets
    assert (only.passes_done, only.passes_planned, only.ended) == (4, 4, "completed")
    assert only.speeds_hz == (1.0,) and only.profile == "Standard"


def test_run_with_no_log_writes_nothing(xserver: dict[str, str], pulse: dict[str, str]) -> None:
    result = run_one_set(xserver, pulse, "--no-log")
    assert "bls: session log: off (--no-log)" in result.stdout.splitlines()
    assert not sessions().exists()


def test_escape_mid_set_logs_that_set_as_stopped(xserver: dict[str, str], pulse: dict[str, str],
                                                 tmp_path: Path) -> None:
    require_tools("xdotool")
    bls = Bls(merged_env(xserver, pulse), tmp_path, "--autostart", "--passes", "60")
    try:
        bls.wait_for("set 1 started")
        time.sleep(2.0)  # a few passes sound
        bls.key("Escape")
        assert bls.finish() == 0
    finally:
        bls.kill()
    (path,) = list_logs(sessions())
    record = read_session(path)
    assert record.warnings == ()
    (only,) = record.sets
    assert only.ended == "stopped" and 0 < only.passes_done < 60 == only.passes_planned
