"""Real servers and probes for end-to-end tests: Xvfb, a private PulseAudio, screenshots, recording.

Rules: every server runs in a private temp dir and is handed to tests as a dict of environment
variables to merge into a copy of os.environ (never into os.environ itself). Waits are readiness
polls with a deadline, never fixed sleeps. Nothing here touches the user's real display or sound.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import numpy as np
import pytest

SCREEN_SIZE = (1920, 1080)
NULL_SINK = "bls_test"
SAMPLE_RATE_HZ = 48_000
STARTUP_TIMEOUT_S = 15.0
POLL_INTERVAL_S = 0.02


# --- tools and environment -------------------------------------------------------------------


def missing_tools(*names: str) -> list[str]:
    """The executables among `names` that are not on PATH."""
    return [name for name in names if shutil.which(name) is None]


def require_tools(*names: str) -> None:
    """Skip the test if a tool is missing; fail instead when BLS_REQUIRE_E2E=1 (as in CI)."""
    missing = missing_tools(*names)
    if not missing:
        return
    reason = (
        f"end-to-end test needs {', '.join(missing)} on PATH "
        "(apt-get install xvfb pulseaudio pulseaudio-utils x11-xserver-utils imagemagick)"
    )
    if os.environ.get("BLS_REQUIRE_E2E") == "1":
        pytest.fail(f"BLS_REQUIRE_E2E=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def merged_env(*overlays: Mapping[str, str]) -> dict[str, str]:
    """A copy of os.environ with the fixtures' variables laid over it, for subprocess(env=...)."""
    env = dict(os.environ)
    for overlay in overlays:
        env.update(overlay)
    return env


def _wait_until(
    ready: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {STARTUP_TIMEOUT_S:.0f} s: {_tail(log)}")
        time.sleep(POLL_INTERVAL_S)


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes], timeout_s: float = 5.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- X server --------------------------------------------------------------------------------


@contextmanager
def running_xvfb() -> Iterator[dict[str, str]]:
    """Start Xvfb on a free display with a black root window; yield {"DISPLAY": ":N"}.

    Xvfb writes the display number to -displayfd only once it accepts connections, so reading
    that pipe is the readiness signal.
    """
    workdir = Path(tempfile.mkdtemp(prefix="bls-xvfb-"))
    log = workdir / "xvfb.log"
    read_fd, write_fd = os.pipe()
    width, height = SCREEN_SIZE
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd", str(write_fd),
                "-screen", "0", f"{width}x{height}x24",
                "-nolisten", "tcp",
                "-br",  # black root instead of the stipple, so pixel checks start from black
                "-noreset",
            ],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    os.close(write_fd)
    try:
        display_number = _read_display_number(read_fd, proc, log)
        yield {"DISPLAY": f":{display_number}"}
    finally:
        os.close(read_fd)
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def _read_display_number(read_fd: int, proc: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    received = b""
    while not received.endswith(b"\n"):
        remaining_s = deadline - time.monotonic()
        if remaining_s <= 0:
            raise RuntimeError(f"Xvfb gave no display number in time: {_tail(log)}")
        readable, _, _ = select.select([read_fd], [], [], remaining_s)
        if readable:
            chunk = os.read(read_fd, 64)
            if not chunk:  # every writer closed: Xvfb died before it was ready
                proc.wait(timeout=STARTUP_TIMEOUT_S)
                raise RuntimeError(f"Xvfb exited with {proc.returncode}: {_tail(log)}")
            received += chunk
    return int(received)


# --- PulseAudio ------------------------------------------------------------------------------


@contextmanager
def running_pulseaudio() -> Iterator[dict[str, str]]:
    """Start a private PulseAudio whose default (and only) sink is a 48 kHz null sink.

    Yields the variables a client needs to reach it and nothing else (XDG_RUNTIME_DIR,
    PULSE_RUNTIME_PATH, PULSE_SERVER, PULSE_COOKIE). The daemon runs in the foreground as our
    child, so teardown is a plain SIGTERM; --disallow-exit keeps a program under test from
    shutting it down.
    """
    runtime_dir = Path(tempfile.mkdtemp(prefix="bls-pulse-"))  # mkdtemp makes it 0700
    runtime_dir.chmod(0o700)
    pulse_dir = runtime_dir / "pulse"
    pulse_dir.mkdir(mode=0o700)
    socket = pulse_dir / "native"
    cookie = runtime_dir / "cookie"
    log = runtime_dir / "pulseaudio.log"
    client_env = {
        "XDG_RUNTIME_DIR": str(runtime_dir),
        "PULSE_RUNTIME_PATH": str(pulse_dir),
        "PULSE_SERVER": f"unix:{socket}",
        "PULSE_COOKIE": str(cookie),
    }
    # The daemon also gets a private HOME and state dirs so it never reads or writes ~/.config.
    daemon_env = merged_env(
        client_env,
        {
            "HOME": str(runtime_dir),
            "XDG_CONFIG_HOME": str(runtime_dir / "config"),
            "PULSE_STATE_PATH": str(runtime_dir / "state"),
        },
    )
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                "pulseaudio",
                "--daemonize=no",
                "-n",  # no default.pa: only the modules below
                "--system=false",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--no-cpu-limit",  # a loaded CI machine must not get the daemon killed
                "--use-pid-file=no",
                "--log-target=stderr",
                # memfd blocks trip a known bug (pulseaudio#824) that floods the log; use SHM.
                "--enable-memfd=no",
                f"--load=module-null-sink sink_name={NULL_SINK} rate={SAMPLE_RATE_HZ} channels=2",
                f"--load=module-native-protocol-unix socket={socket} auth-cookie={cookie}",
            ],
            env=daemon_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    env = merged_env(client_env)
    monitor_reader: subprocess.Popen[bytes] | None = None
    try:
        _wait_until(lambda: _pactl_answers(env), "pulseaudio", proc, log)
        subprocess.run(["pactl", "set-default-sink", NULL_SINK], env=env, check=True)
        # An idle null sink renders in 2 s blocks, so a new recording would get its first data
        # up to 2 s late. One low-latency reader of the monitor, kept for the whole session,
        # makes the sink render in 10 ms blocks, like a sound card.
        monitor_reader = subprocess.Popen(
            ["parec", f"--device={NULL_SINK}.monitor", "--latency-msec=10", "--raw"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        yield client_env
    finally:
        if monitor_reader is not None:
            _stop(monitor_reader)
        _stop(proc)
        shutil.rmtree(runtime_dir, ignore_errors=True)


def _pactl_answers(env: dict[str, str]) -> bool:
    result = subprocess.run(
        ["pactl", "info"], env=env, capture_output=True, timeout=STARTUP_TIMEOUT_S
    )
    return result.returncode == 0


# --- recording -------------------------------------------------------------------------------


class Recorder:
    """Record the null sink's monitor (what any program played) while the block runs.

    `with Recorder(pulse) as rec: ...` then `rec.samples` is float32 (frames, 2) in [-1, 1].
    Entering returns once audio is actually arriving; leaving first waits for `tail_s` more
    seconds of audio, so sound played just before the block ended is in the recording.
    """

    def __init__(
        self,
        pulse_env: Mapping[str, str],
        source: str = f"{NULL_SINK}.monitor",
        sample_rate_hz: int = SAMPLE_RATE_HZ,
        tail_s: float = 0.3,
    ) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.samples = np.zeros((0, 2), dtype=np.float32)
        self._env = merged_env(pulse_env)
        self._source = source
        self._tail_bytes = round(tail_s * sample_rate_hz) * 4
        self._workdir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def _raw_path(self) -> Path:
        assert self._workdir is not None
        return self._workdir / "monitor.s16le"

    def _bytes_recorded(self) -> int:
        return self._raw_path.stat().st_size

    def __enter__(self) -> Recorder:
        self._workdir = Path(tempfile.mkdtemp(prefix="bls-rec-"))
        log = self._workdir / "parec.log"
        with self._raw_path.open("wb") as raw, log.open("wb") as log_file:
            self._proc = subprocess.Popen(
                [
                    "parec",
                    f"--device={self._source}",
                    "--format=s16le",
                    f"--rate={self.sample_rate_hz}",
                    "--channels=2",
                    "--raw",
                    "--latency-msec=10",  # small fragments: data reaches the file promptly
                ],
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=raw,
                stderr=log_file,
            )
        _wait_until(lambda: self._bytes_recorded() > 0, "parec", self._proc, log)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._proc is not None and self._workdir is not None
        proc, log = self._proc, self._workdir / "parec.log"
        try:
            if exc_type is None:
                wanted = self._bytes_recorded() + self._tail_bytes
                _wait_until(lambda: self._bytes_recorded() >= wanted, "parec", proc, log)
            _stop(proc)
            raw = self._raw_path.read_bytes()
        finally:
            _stop(proc)
            shutil.rmtree(self._workdir, ignore_errors=True)
        frames = len(raw) // 4
        pcm = np.frombuffer(raw[: frames * 4], dtype="<i2").reshape(frames, 2)
        self.samples = pcm.astype(np.float32) / 32768.0


def find_tone_onsets(
    stereo: np.ndarray, rate: int, threshold: float = 0.02, min_gap_s: float = 0.1
) -> list[tuple[float, str]]:
    """(onset time in s, "left" | "right") for each tone burst in a (frames, 2) recording.

    A burst is where either channel's 5 ms RMS envelope exceeds `threshold` (full scale = 1);
    bursts less than `min_gap_s` apart are one burst. Its side is the louder channel over the burst.
    """
    if stereo.ndim != 2 or stereo.shape[1] != 2:
        raise ValueError(f"expected shape (frames, 2), got {stereo.shape}")
    window = max(1, round(0.005 * rate))
    power = np.asarray(stereo, dtype=np.float64) ** 2
    cumulative = np.vstack([np.zeros((1, 2)), np.cumsum(power, axis=0)])
    # Envelope at sample i covers [i, i + window): it rises up to a window early, so each onset
    # is then moved to the first sample in that window whose magnitude crosses the threshold.
    envelope = np.sqrt(np.maximum(cumulative[window:] - cumulative[:-window], 0.0) / window)
    active = np.max(envelope, axis=1) > threshold
    if not active.any():
        return []

    edges = np.diff(active.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    min_gap = round(min_gap_s * rate)
    bursts: list[tuple[int, int]] = []
    for start, end in zip(starts, ends, strict=True):
        if bursts and start - bursts[-1][1] < min_gap:
            bursts[-1] = (bursts[-1][0], end)
        else:
            bursts.append((start, end))

    magnitude = np.max(np.abs(stereo), axis=1)
    onsets = []
    for start, end in bursts:
        onset = start + int(np.argmax(magnitude[start : start + window] > threshold))
        left_energy, right_energy = power[start : end + window - 1].sum(axis=0)
        onsets.append((float(onset / rate), "left" if left_energy >= right_energy else "right"))
    return onsets


# --- screenshots -----------------------------------------------------------------------------


def screenshot(env: Mapping[str, str]) -> np.ndarray:
    """The whole root window of env["DISPLAY"] as an (H, W, 3) uint8 RGB array."""
    return screenshot_window(env, "root")


def screenshot_window(env: Mapping[str, str], window_id: int | str) -> np.ndarray:
    """One window (an X id such as 0x2a00007, or "root") as an (H, W, 3) uint8 RGB array."""
    if isinstance(window_id, int):
        window_id = hex(window_id)
    # ImageMagick's `import` reads the pixels with XGetImage; binary PPM is trivial to parse.
    result = subprocess.run(
        ["import", "-silent", "-window", window_id, "-depth", "8", "ppm:-"],
        env=merged_env(env),
        capture_output=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        raise RuntimeError(f"import failed: {result.stderr.decode(errors='replace').strip()}")
    return parse_ppm(result.stdout)


def parse_ppm(data: bytes) -> np.ndarray:
    """Decode a binary (P6) PPM with maxval 255 into an (H, W, 3) uint8 array."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maxval != 255:
        raise ValueError(f"expected an 8-bit P6 PPM, got {magic!r} with maxval {maxval}")
    pixels = np.frombuffer(data, dtype=np.uint8, count=width * height * 3, offset=position + 1)
    return pixels.reshape(height, width, 3)
