"""The client link's messages: timelines out to the page as JSON, bounded parsing of what comes in.

Rules: pure, no I/O and no clock (times are arguments, in seconds on bls's timeline clock, the
audio's sample clock). The page receives everything that fixes position(t) and the tones (every
segment, the stop, the set length), never frames; `static/timeline.js` reads these dicts with the
same model as `bls.core.timeline` (a conformance test keeps the two equal). What the page sends
is untrusted: too large, too frequent, malformed or unknown messages become None and are dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bls.core.colors import hex_color
from bls.core.profile import MAX_SPEED_HZ, Profile
from bls.core.synth import FADE_IN_PASSES, MIN_RAMP_S, VOLUME_CEILING
from bls.core.timeline import SetTimeline

if TYPE_CHECKING:
    from bls.audio.lr_check import LrStep

VERSION = 1
# A set starts this long after the therapist presses start: a round trip on a slow home link
# (up to ~200 ms) plus the page's audio scheduling (it hands tones to Web Audio ~100 ms ahead)
# plus margin, so the page's first tone is never late; 0.5 s is not felt as a delay.
START_LEAD_S = 0.5
MAX_MESSAGE_BYTES = 512  # the page's messages are a few dozen bytes
MAX_MESSAGES_PER_S = 20.0  # sustained rate (a ping every 50 ms is far more than sync needs)
MESSAGE_BURST = 40  # what may arrive at once (sync sends a burst of pings on connect)
MAX_PING_ID = 2**31


def timeline_dict(timeline: SetTimeline) -> dict[str, Any]:
    """Everything that fixes one set's position(t), edge events and rest time."""
    stop = timeline.stop
    return {
        "start_s": timeline.start_s,
        "path": timeline.path,
        "easing": timeline.easing,
        "dwell_s": timeline.dwell_s,
        "passes": timeline.length.passes,
        "seconds": timeline.length.seconds,
        "max_speed_hz": timeline.max_speed_hz,
        "segments": [[s.start_s, s.phase, s.speed_hz] for s in timeline.segments],
        "stop": None if stop is None else {
            "start_s": stop.start_s,
            "origin": list(stop.origin),
            "velocity": list(stop.velocity),
            "duration_s": stop.duration_s,
        },
    }


def sound_id(profile: Profile) -> str:
    """A name for the tone's waveform: changes exactly when the profile's sound settings do."""
    audio = profile.audio
    text = f"{audio.tone}|{audio.frequency_hz!r}|{audio.duration_s!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def scene_dict(profile: Profile) -> dict[str, Any]:
    """How the page draws: the target and its reach, as the office renderer does."""
    target = profile.target
    return {
        "shape": "circle" if target.shape == "image" else target.shape,
        "size": target.size,
        "color": hex_color(target.color),
        "background": hex_color(target.background),
        "trail_s": target.trail_s,
        "amplitude": profile.motion.amplitude,
    }


def audio_dict(profile: Profile, volume_share: float = 1.0) -> dict[str, Any]:
    """How the page sounds: peak level (ceiling x volume x live share), placement, fade-in."""
    audio = profile.audio
    share = min(max(volume_share, 0.0), 1.0)
    return {
        "sound": sound_id(profile),
        "peak": VOLUME_CEILING * min(max(audio.volume, 0.0), 1.0) * share,
        "ceiling": VOLUME_CEILING,
        "pan": audio.pan,
        "crossfeed": audio.crossfeed,
        "fade_in_passes": FADE_IN_PASSES,
        "min_ramp_s": MIN_RAMP_S,
    }


def timelines_message(timelines: Sequence[SetTimeline], profile: Profile,
                      volume_share: float = 1.0) -> dict[str, Any]:
    """The whole state the page needs: sent on every publish and to a page that (re)connects."""
    return {
        "type": "timelines",
        "v": VERSION,
        "timelines": [timeline_dict(t) for t in timelines],
        "scene": scene_dict(profile),
        "audio": audio_dict(profile, volume_share),
        "max_speed_hz": min(profile.motion.max_speed_hz, MAX_SPEED_HZ),
    }


def lr_check_message(plan: Sequence[LrStep]) -> dict[str, Any]:
    """A left/right check: each word's time and its beeps' times (timeline clock)."""
    return {
        "type": "lr_check",
        "v": VERSION,
        "sound": "beep",
        "steps": [{"at_s": step.at_s, "label": step.label, "side": step.side,
                   "beeps": list(step.beep_times_s)} for step in plan],
    }


def pong_message(ping_id: int, page_s: float, server_s: float) -> dict[str, Any]:
    """The answer to a clock ping: the page's send time echoed, and bls's time when answered."""
    return {"type": "pong", "id": ping_id, "page_s": page_s, "server_s": server_s}


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), allow_nan=False)


# -- from the page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ping:
    """A clock-sync probe: `page_s` is the page's performance.now() in seconds when sent."""

    ping_id: int
    page_s: float


@dataclass(frozen=True, slots=True)
class PageState:
    """What the page reports about itself: whether its sound is unlocked (the tap happened)."""

    unlocked: bool


ClientMessage = Ping | PageState


def parse_client_message(data: str | bytes) -> ClientMessage | None:
    """One message from the page, or None if it is too large, not JSON or not a known shape."""
    if len(data) > MAX_MESSAGE_BYTES:
        return None
    try:
        message = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(message, dict):
        return None
    kind = message.get("type")
    if kind == "ping":
        ping_id, page_s = message.get("id"), message.get("page_s")
        if (isinstance(ping_id, int) and not isinstance(ping_id, bool)
                and 0 <= ping_id < MAX_PING_ID and _finite(page_s)):
            return Ping(ping_id, float(page_s))
        return None
    if kind == "state":
        unlocked = message.get("unlocked")
        return PageState(unlocked) if isinstance(unlocked, bool) else None
    return None


def _finite(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and abs(value) < 1e12)


class RateLimit:
    """A token bucket: `allow(t)` says whether a message arriving at time t may be handled.

    Pure: the caller passes the time. Messages over the limit are dropped, not queued.
    """

    def __init__(self, rate_per_s: float = MAX_MESSAGES_PER_S, burst: int = MESSAGE_BURST) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._tokens = float(burst)
        self._last_s: float | None = None

    def allow(self, t: float) -> bool:
        if self._last_s is not None:
            elapsed = max(0.0, t - self._last_s)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_s)
        self._last_s = t
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
