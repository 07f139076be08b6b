"""A program of sets: N sets of one profile separated by pauses, laid out on one clock.

Pure: used by `bls export-audio` and by guided tapping, so both place sets identically.
"""

from __future__ import annotations

from bls.core.profile import Profile
from bls.core.timeline import SetTimeline


def plan_sets(profile: Profile, sets: int, pause_s: float,
              start_s: float = 0.0) -> list[SetTimeline]:
    """`sets` timelines; each starts `pause_s` after the previous one is back at rest."""
    timelines: list[SetTimeline] = []
    t = start_s
    for _ in range(sets):
        timeline = SetTimeline.begin(t, profile.motion, profile.length)
        timelines.append(timeline)
        t = timeline.rest_s + pause_s
    return timelines
