"""`bls doctor` for real: under Xvfb with PulseAudio, with no sound server, and with no display.

Exit 1 is allowed where a self-test may fail on a loaded machine (late frames); a traceback,
a missing section or a wrong verdict about the devices is not.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.e2e.harness import SCREEN_SIZE, merged_env

TIMEOUT_S = 60


def run_doctor(env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bls", "doctor"], env=dict(env),
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def starting(lines: list[str], prefix: str) -> list[str]:
    return [line for line in lines if line.startswith(prefix)]


def without_sound_server(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """No PulseAudio to reach, and none may be started on demand (autospawn off)."""
    for name in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_COOKIE", "XDG_RUNTIME_DIR"):
        env.pop(name, None)
    client_conf = tmp_path / "client.conf"
    client_conf.write_text("autospawn = no\n")
    env["PULSE_CLIENTCONFIG"] = str(client_conf)
    env["PULSE_SERVER"] = f"unix:{tmp_path / 'no-such-socket'}"
    env["SDL_AUDIODRIVER"] = "pulseaudio"  # not ALSA's raw hardware, which CI machines lack
    return env


def test_doctor_reports_the_x_server_and_pulseaudio(xserver: dict[str, str],
                                                    pulse: dict[str, str]) -> None:
    env = merged_env(xserver, pulse)
    env.pop("SDL_VIDEODRIVER", None)
    result = run_doctor(env)
    lines = result.stdout.splitlines()
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    width, height = SCREEN_SIZE
    assert starting(lines, "display   x11: 1 screen"), result.stdout
    assert [line for line in lines if f"{width}x{height}" in line], result.stdout
    assert starting(lines, "  vsync     "), result.stdout
    assert starting(lines, "sound     PortAudio"), result.stdout
    assert starting(lines, "  * "), result.stdout  # the default output is marked
    frames = starting(lines, "frames    ")
    assert len(frames) == 1 and "frames late in 3 s" in frames[0], result.stdout
    audio = starting(lines, "audio     ")
    assert len(audio) == 1 and "underrun" in audio[0] and "PortAudio" in audio[0], result.stdout
    if result.returncode == 1:  # only a failed self-test may make it exit 1
        assert "FAILED" in frames[0] + audio[0]


def test_doctor_without_a_sound_server_says_so_in_one_line(xserver: dict[str, str],
                                                           tmp_path: Path) -> None:
    env = without_sound_server(merged_env(xserver), tmp_path)
    env.pop("SDL_VIDEODRIVER", None)
    result = run_doctor(env)
    lines = result.stdout.splitlines()
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    sound = starting(lines, "sound     ")
    assert len(sound) == 1 and "no sound output device found" in sound[0], result.stdout
    assert not starting(lines, "audio     ")  # nothing to self-test
    assert [line for line in lines if "pulseaudio --start" in line], result.stdout


def test_doctor_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = without_sound_server(merged_env(), tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        env.pop(name, None)
    result = run_doctor(env)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    display = starting(lines, "display   ")
    assert len(display) == 1, result.stdout
    assert display[0].startswith("display   no display found (DISPLAY is not set"), result.stdout
    assert not starting(lines, "frames    ")
