"""The page's timeline (bls/link/static/timeline.js) moves and sounds exactly as core/timeline.py.

Thousands of random sets, with speed changes and stops, are built in Python, sent through the
link's own serializer and evaluated by the page's code in one node process. A client would notice
a difference of half a pixel on a 1920-pixel screen, or a tone a millisecond off its side.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from bls.core.profile import MAX_SPEED_HZ, MIN_SPEED_HZ, PATHS, Motion, SetLength
from bls.core.timeline import SetTimeline
from bls.link.protocol import timeline_dict

CASES_JS = Path(__file__).parent / "js" / "timeline_cases.mjs"
CASES = 3000
HALF_WIDTH_PX = 960.0  # a 1920-pixel screen: position 1.0 is 960 px from the centre
MAX_POSITION_PX = 0.5
MAX_EVENT_S = 0.001


def random_timeline(rng: random.Random) -> SetTimeline:
    max_speed = rng.choice([MAX_SPEED_HZ, 1.0, rng.uniform(0.3, MAX_SPEED_HZ)])
    motion = Motion(path=rng.choice(PATHS), speed_hz=rng.uniform(MIN_SPEED_HZ, max_speed),
                    max_speed_hz=max_speed, easing=rng.choice(["sine", "linear"]),
                    dwell_s=rng.choice([0.0, 0.0, rng.uniform(0.0, 1.0)]), amplitude=0.9)
    if rng.random() < 0.7:
        length = SetLength(rng.randint(1, 40), None)
    else:
        length = SetLength(None, rng.uniform(1.0, 40.0))
    start = rng.uniform(-100.0, 1000.0)
    timeline = SetTimeline.begin(start, motion, length)
    t = start
    for _ in range(rng.randint(0, 6)):
        t += rng.expovariate(1 / 3.0)
        if rng.random() < 0.15:
            timeline = timeline.stopped(t)
        else:
            timeline = timeline.with_speed(t, rng.uniform(0.0, 2.5))  # capped as in the session
    if rng.random() < 0.3:
        timeline = timeline.stopped(t + rng.uniform(0.0, 20.0))
    return timeline


def sample_times(rng: random.Random, timeline: SetTimeline) -> list[float]:
    lo, hi = timeline.start_s - 1.0, timeline.rest_s + 1.0
    times = [rng.uniform(lo, hi) for _ in range(60)]
    # Where a model is most likely to differ: at and next to ends, boundaries, changes and stops.
    for event in timeline.events(lo, hi):
        times += [event.time_s, event.time_s - 1e-4, event.time_s + 1e-4]
    for segment in timeline.segments:
        times += [segment.start_s, segment.start_s + 1e-6]
    if timeline.stop is not None:
        times += [timeline.stop.start_s, timeline.stop.start_s + timeline.stop.duration_s]
    times += [timeline.start_s, timeline.rest_s]
    return times


def run_node(cases: list[dict[str, object]]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        reason = "the page conformance test needs node (apt-get install nodejs)"
        if os.environ.get("BLS_REQUIRE_E2E") == "1":
            pytest.fail(f"BLS_REQUIRE_E2E=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    result = subprocess.run([node, str(CASES_JS)], input=json.dumps(cases), capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_page_computes_the_same_positions_tones_and_rest_as_bls() -> None:
    rng = random.Random(20261201)
    timelines, cases = [], []
    for _ in range(CASES):
        timeline = random_timeline(rng)
        times = sample_times(rng, timeline)
        lo, hi = timeline.start_s - 1.0, timeline.rest_s + 1.0
        windows = [(lo, hi)] + [tuple(sorted((rng.uniform(lo, hi), rng.uniform(lo, hi))))
                                for _ in range(3)]
        timelines.append((timeline, times, windows))
        cases.append({"timeline": json.loads(json.dumps(timeline_dict(timeline))),
                      "times": times, "windows": windows})
    answers = run_node(cases)
    assert len(answers) == CASES
    worst_px, worst_event_s, total_events = 0.0, 0.0, 0
    for (timeline, times, windows), answer in zip(timelines, answers, strict=True):
        assert answer["total_passes"] == timeline.total_passes()
        assert abs(answer["rest_s"] - timeline.rest_s) <= MAX_EVENT_S
        for t, (x, y), running in zip(times, answer["positions"], answer["running"], strict=True):
            px, py = timeline.position(t)
            worst_px = max(worst_px, abs(px - x) * HALF_WIDTH_PX, abs(py - y) * HALF_WIDTH_PX)
            assert running == timeline.is_running(t), (timeline, t)
        for (lo, hi), page_events in zip(windows, answer["events"], strict=True):
            events = timeline.events(lo, hi)
            assert [(e.side, e.pass_index) for e in events] == [
                (side, k) for _, side, k in page_events], (timeline, lo, hi)
            for event, (time_s, _, _) in zip(events, page_events, strict=True):
                worst_event_s = max(worst_event_s, abs(event.time_s - time_s))
            total_events += len(events)
    assert worst_px <= MAX_POSITION_PX
    assert worst_event_s <= MAX_EVENT_S
    assert total_events > 10 * CASES  # the cases really exercise tones


def test_a_page_given_a_speed_above_the_cap_moves_no_faster_than_the_cap() -> None:
    motion = Motion("horizontal", 1.0, 1.0, "sine", 0.0, 0.9)
    timeline = SetTimeline.begin(0.0, motion, SetLength(8, None))
    sent = timeline_dict(timeline)
    sent["segments"] = [[0.0, -1.0, 5.0]]  # a forged or corrupted message
    answer = run_node([{"timeline": sent, "times": [], "windows": [[0.0, 100.0]]}])[0]
    times = [time_s for time_s, _, _ in answer["events"][0]]
    assert times == pytest.approx([e.time_s for e in timeline.events(0.0, 100.0)])
