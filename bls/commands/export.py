"""`bls export-audio`: render sets of tones into a 48 kHz stereo 16-bit WAV for clients.

Shell code: renders with the pure synth in one-second blocks and writes them as they come, so an
hour-long track needs little memory, and each block looks only at the sets that sound in it, so
the time taken grows with the track's length and not with the square of its number of sets.
Rules: a track longer than `MAX_TRACK_S` is refused before anything is written (a WAV file holds
at most 4 GiB); the file is written beside its final name and renamed into place when complete,
so a failure, Ctrl-C or SIGTERM leaves no partial file and the file it would replace intact;
an existing file is replaced only with `force`, and the new one keeps its permissions.
"""

from __future__ import annotations

import bisect
import errno
import os
import stat
import sys
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bls.clock import Clock
from bls.core.profile import Profile
from bls.core.program import plan_sets
from bls.core.synth import SAMPLE_RATE, Synth
from bls.core.timeline import SetTimeline
from bls.options import MAX_PAUSE_S, MAX_SETS, ExportOptions
from bls.sounds import voice_for

TAIL_S = 1.0  # silence after the last set so players do not cut the final tone
CHANNELS, SAMPLE_BYTES = 2, 2
# A RIFF/WAV file counts its bytes in 32 bits: at 48 kHz, 16-bit stereo that is 6 h 12 min.
# Six hours is a round bound below it, and far beyond any take-home track; longer is refused
# (rather than written as RF64, which many phones and media players cannot play).
WAV_MAX_DATA_BYTES = 2**32 - 1 - 36
MAX_TRACK_S = 6 * 3600.0
EXIT_USAGE, EXIT_FAILURE = 2, 1
# The disk, not the user's choice of file: a failure at run time (exit 1).
_RUNTIME_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}
_REASONS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the disk is read-only", errno.EACCES: "permission denied",
            errno.EPERM: "permission denied", errno.EFBIG: "the file is too large for this disk",
            errno.ENAMETOOLONG: "the file name is too long",
            errno.ENOENT: "this folder does not take new files"}


class ExportError(Exception):
    """A problem with the output, in one line. `exit_code`: 2 when the user can fix the command
    (file exists, no such folder, track too long), 1 when writing failed (disk full)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    seconds: float
    tones: int
    sets: int


def plan_track(profile: Profile, sets: int, pause_s: float) -> list[SetTimeline]:
    """The sets of the track; ExportError if it is longer than a WAV file can hold."""
    if not 1 <= sets <= MAX_SETS:
        raise ExportError(f"--sets {sets} is out of range; allowed: 1 to {MAX_SETS}")
    if not 0 <= pause_s <= MAX_PAUSE_S:
        raise ExportError(f"--pause {pause_s:g} is out of range; allowed: 0 to {MAX_PAUSE_S:g} s")
    timelines = plan_sets(profile, sets, pause_s)
    length_s = timelines[-1].rest_s + TAIL_S
    if length_s > MAX_TRACK_S:
        raise ExportError(f"the track would be {_duration(length_s)} long; allowed: up to "
                          f"{_duration(MAX_TRACK_S)} (a WAV file holds at most 4 GiB); "
                          "use fewer sets, shorter sets or shorter pauses")
    return timelines


def export_audio(out_path: Path, profile: Profile, sets: int, pause_s: float, *,
                 force: bool = False, rate: int = SAMPLE_RATE,
                 progress: Callable[[float], None] | None = None) -> ExportSummary:
    """Write the WAV; `progress(share_done)` is called after each block."""
    timelines = plan_track(profile, sets, pause_s)
    try:
        replaced_mode = _check_target(out_path, force)
    except OSError as error:  # a name too long, a folder that cannot be searched, ...
        raise ExportError(f"{out_path}: cannot write: {_reason(error)}") from None
    synth = Synth(voice_for(profile.audio, rate), rate, max_frames=rate)
    total = synth.sample_of(timelines[-1].rest_s + TAIL_S)
    assert total * CHANNELS * SAMPLE_BYTES <= WAV_MAX_DATA_BYTES
    sounding = _Sounding(timelines, len(synth.voice.wave) / rate)
    block = np.zeros((rate, 2), dtype=np.float32)
    pcm = np.zeros((rate, 2), dtype="<i2")
    tones = 0
    # Hidden, beside the final name (same disk, so the rename is atomic), named after it.
    partial = out_path.with_name(f".{out_path.name[:200]}.{os.getpid()}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_BINARY", 0), 0o666)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with wave.open(raw, "wb") as handle:
                    handle.setnchannels(CHANNELS)
                    handle.setsampwidth(SAMPLE_BYTES)
                    handle.setframerate(rate)
                    handle.setnframes(total)  # the header is right from the start
                    for n0 in range(0, total, rate):
                        frames = min(rate, total - n0)
                        view = block[:frames]
                        active = sounding.during(synth.time_of(n0), synth.time_of(n0 + frames))
                        sounded = synth.render_into(view, n0, active)
                        tones += sum(1 for e in sounded if synth.sample_of(e.time_s) >= n0)
                        np.multiply(view, 32767.0, out=view)
                        np.copyto(pcm[:frames], view, casting="unsafe")
                        handle.writeframes(pcm[:frames].tobytes())
                        if progress is not None:
                            progress(min(1.0, (n0 + frames) / total))
                raw.flush()
                os.fsync(raw.fileno())  # a full disk shows here, before the old file goes
            if replaced_mode is not None:
                os.chmod(partial, replaced_mode)
            os.replace(partial, out_path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as error:
        code = EXIT_FAILURE if error.errno in _RUNTIME_ERRNOS else EXIT_USAGE
        kept = "; the existing file is kept" if replaced_mode is not None else ""
        raise ExportError(f"{out_path}: cannot write: {_reason(error)}{kept}", code) from None
    return ExportSummary(out_path, total / rate, tones, sets)


def _check_target(out_path: Path, force: bool) -> int | None:
    """Refuse what cannot be written before rendering; returns the permissions of the file
    that will be replaced (None if there is none)."""
    if out_path.is_dir():
        raise ExportError(f"{out_path}: is a folder; give a file name ending in .wav")
    folder = out_path.parent
    if not folder.is_dir():
        raise ExportError(f"{out_path}: folder {str(folder)!r} does not exist")
    if not os.path.lexists(out_path):
        return None
    if not force:
        raise ExportError(f"{out_path}: already exists; add --force to overwrite it")
    try:
        info = os.stat(out_path)
    except OSError:  # a dangling link: replaced by a new file
        return None
    if not stat.S_ISREG(info.st_mode):
        raise ExportError(f"{out_path}: is not a regular file; not overwriting it")
    return stat.S_IMODE(info.st_mode)


class _Sounding:
    """The sets that sound in a stretch of time, found by bisection (sets follow each other)."""

    def __init__(self, timelines: Sequence[SetTimeline], tone_s: float) -> None:
        self._timelines = list(timelines)
        self._starts = [t.start_s for t in timelines]
        # A set's last tone starts before its rest and rings for tone_s; rests only increase.
        self._ends = [t.rest_s + tone_s for t in timelines]

    def during(self, t_from: float, t_to: float) -> list[SetTimeline]:
        margin = 1e-3  # wider than one sample: the synth decides what exactly sounds
        first = bisect.bisect_left(self._ends, t_from - margin)
        last = bisect.bisect_right(self._starts, t_to + margin)
        return self._timelines[first:last]


def _reason(error: OSError) -> str:
    return _REASONS.get(error.errno or 0, error.strerror or type(error).__name__)


def _duration(seconds: float) -> str:
    minutes = round(seconds) // 60
    return f"{minutes // 60} h {minutes % 60:02d} min"


def terminal_progress(label: str) -> Callable[[float], None]:
    """A progress line on stderr that redraws at most once per percent."""
    last = [-1]

    def show(share: float) -> None:
        percent = int(share * 100)
        if percent != last[0]:
            last[0] = percent
            end = "\n" if percent >= 100 else ""
            sys.stderr.write(f"\r{label}: {percent:3d}%{end}")
            sys.stderr.flush()

    return show


def export_command(options: ExportOptions, profile: Profile) -> int:
    """`bls export-audio OUT.wav`: write the track and say what it holds."""
    if options.out.suffix.lower() != ".wav":
        raise ExportError(f"{options.out}: the output must be a .wav file")
    clock = Clock()
    started = clock.now()
    show = terminal_progress(f"writing {options.out}") if sys.stderr.isatty() else None
    summary = export_audio(options.out, profile, options.sets, options.pause_s,
                           force=options.force, progress=show)
    elapsed = clock.now() - started
    minutes, seconds = divmod(summary.seconds, 60)
    print(f"{summary.path}: {int(minutes)}:{seconds:04.1f} of audio, {summary.sets} set(s) of "
          f"{profile.length.describe()} at {profile.motion.speed_hz:g} Hz, {summary.tones} tones, "
          f"48 kHz stereo (written in {elapsed:.1f} s)")
    return 0
