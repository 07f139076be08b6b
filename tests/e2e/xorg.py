"""A real X server with two monitors side by side, for tests of the two-screen office layout.

Xvfb has one RandR output, so SDL sees one display there. The X.Org server with the dummy video
driver has sixteen outputs: this module starts it on a 2560x720 virtual screen, gives DUMMY0 and
DUMMY1 a 1280x720 mode each, DUMMY1 right of DUMMY0, and queries the monitors once (until some
client has asked, SDL still sees one display). Rules as in harness.py: a private temp dir, a
readiness signal instead of sleeps, the server handed over as {"DISPLAY": ":N"}.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.harness import STARTUP_TIMEOUT_S, _read_display_number, _stop, merged_env

MONITOR_SIZE = (1280, 720)
MONITOR_COUNT = 2
# CVT timing for 1280x720 at 60 Hz (`cvt 1280 720 60`); any valid timing would do, since the
# dummy driver shows nothing, but SDL reports the refresh rate it implies.
MODE_NAME = "bls1280x720"
MODE_LINE = ("74.50", "1280", "1344", "1472", "1664", "720", "723", "728", "748",
             "-hsync", "+vsync")

# One dummy Device; VideoRam (KiB) must hold the whole virtual screen at 32 bits per pixel.
CONFIG = """\
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 256000
EndSection

Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
EndSection

Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Virtual {width} {height}
    EndSubSection
EndSection

Section "ServerFlags"
    # No input devices: the tests type through XTEST (xdotool), which needs none.
    Option "AutoAddDevices" "false"
    Option "AutoEnableDevices" "false"
EndSection
"""


@contextmanager
def running_xorg_two_monitors() -> Iterator[dict[str, str]]:
    """Start Xorg with the dummy driver and two 1280x720 monitors; yield {"DISPLAY": ":N"}.

    The config file and the log live in a private temp dir: Xorg accepts an absolute `-config`
    path unless it runs setuid, and `-logfile` keeps it away from /var/log. Like Xvfb, Xorg
    writes its display number to -displayfd once it accepts connections.
    """
    workdir = Path(tempfile.mkdtemp(prefix="bls-xorg-"))
    config = workdir / "xorg.conf"
    width, height = MONITOR_SIZE
    config.write_text(CONFIG.format(width=width * MONITOR_COUNT, height=height))
    log = workdir / "xorg.log"
    output = workdir / "xorg.out"
    read_fd, write_fd = os.pipe()
    with output.open("wb") as output_file:
        proc = subprocess.Popen(
            [
                "Xorg",
                "-displayfd", str(write_fd),
                "-config", str(config),
                "-logfile", str(log),
                "-noreset",
                "-nolisten", "tcp",
            ],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=output_file,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )  # fmt: skip
    os.close(write_fd)
    try:
        display_number = _read_display_number(read_fd, proc, output)
        env = {"DISPLAY": f":{display_number}"}
        _add_second_monitor(env)
        yield env
    finally:
        os.close(read_fd)
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def _add_second_monitor(env: dict[str, str]) -> None:
    def xrandr(*args: str) -> str:
        result = subprocess.run(["xrandr", *args], env=merged_env(env), capture_output=True,
                                text=True, timeout=STARTUP_TIMEOUT_S)
        if result.returncode != 0:
            raise RuntimeError(f"xrandr {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    xrandr("--newmode", MODE_NAME, *MODE_LINE)
    xrandr("--addmode", "DUMMY0", MODE_NAME)
    xrandr("--addmode", "DUMMY1", MODE_NAME)
    xrandr("--output", "DUMMY0", "--mode", MODE_NAME, "--pos", "0x0",
           "--output", "DUMMY1", "--mode", MODE_NAME, "--right-of", "DUMMY0")
    monitors = xrandr("--listmonitors")
    if f"Monitors: {MONITOR_COUNT}" not in monitors:
        raise RuntimeError(f"Xorg did not make {MONITOR_COUNT} monitors: {monitors.strip()}")
