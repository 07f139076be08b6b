"""The client link with real parts: bls's server, Debian's chromium on Xvfb, sound into PulseAudio.

The therapist's side is driven in the test process (a Session publishing to a LinkServer, as the
live loop does); the client's side is a real browser that opened the link and was tapped once.
Everything is checked from outside: screenshots of the X server and the sink's recorded sound.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest

from bls.clock import Clock
from bls.core.profile import Profile, SetLength
from bls.core.session import Session
from bls.core.timeline import SetTimeline
from bls.link.protocol import START_LEAD_S
from bls.link.server import LinkServer
from bls.profiles import Library
from tests.e2e.browser import CuttableRelay, chromium, open_and_tap, wait_for
from tests.e2e.harness import (
    SCREEN_SIZE,
    Recorder,
    find_tone_onsets,
    merged_env,
    require_tools,
    screenshot,
)

TARGET_RGB = np.array([0xFF, 0xD8, 0x4A])  # config/profiles/share.toml
PICTURE_LAG_S = 0.1  # a screenshot shows a frame composited up to this long before it was taken
EDGE_PX = 3.0  # anti-aliased edges and rounding of the centre


@pytest.fixture
def desktop(xserver: dict[str, str], pulse: dict[str, str]) -> dict[str, str]:
    require_tools("import", "chromium", "chromedriver")
    return merged_env(xserver, pulse)


def share_profile(passes: int) -> Profile:
    """The link's default profile, without its trail so screenshots show one sharp target."""
    profile = Library.discover().load("share")
    return replace(profile, length=SetLength(passes, None),
                   target=replace(profile.target, trail_s=0.0))


class Therapist:
    """The live loop's part: commands on a Session, each change published to the page."""

    def __init__(self, link: LinkServer, profile: Profile, clock: Clock) -> None:
        self.link, self.profile, self.clock = link, profile, clock
        self.session = Session(profile)
        link.publish(self.session.timelines(), profile)

    def start(self) -> SetTimeline:
        self.session.start(self.clock.now() + START_LEAD_S)
        self.link.publish(self.session.timelines(), self.profile)
        assert self.session.current is not None
        return self.session.current

    def stop(self) -> SetTimeline:
        self.session.stop(self.clock.now())
        self.link.publish(self.session.timelines(), self.profile)
        assert self.session.current is not None
        return self.session.current

    def wait_until(self, t: float) -> None:
        while self.clock.now() < t:
            time.sleep(min(0.01, max(0.0, t - self.clock.now())))


@contextmanager
def serving(profile: Profile) -> Iterator[tuple[LinkServer, Therapist]]:
    clock = Clock()
    link = LinkServer(clock=clock)
    link.start("127.0.0.1", 0)
    try:
        yield link, Therapist(link, profile, clock)
    finally:
        link.stop()


def target_x(image: np.ndarray, profile: Profile) -> float | None:
    """The target's normalised x as the page's renderer places it, from a screenshot."""
    close = np.all(np.abs(image.astype(int) - TARGET_RGB) < 40, axis=2)
    columns = np.flatnonzero(close.any(axis=0))
    if columns.size == 0:
        return None
    width, height = SCREEN_SIZE
    radius_px = profile.target.size * height / 2
    reach_px = (width / 2 - radius_px - 1) * profile.motion.amplitude
    return ((columns[0] + columns[-1] + 1) / 2 - width / 2) / reach_px


def reach_px(profile: Profile) -> float:
    width, height = SCREEN_SIZE
    return (width / 2 - profile.target.size * height / 2 - 1) * profile.motion.amplitude


def test_the_page_moves_the_target_at_the_profiles_speed_with_one_tone_per_pass(desktop, pulse):
    passes = 6
    profile = share_profile(passes)
    shots: list[tuple[float, float, np.ndarray]] = []
    with serving(profile) as (link, therapist), chromium(desktop) as driver:
        open_and_tap(driver, link.url)
        wait_for(lambda: link.ready, "the page to connect and unlock its sound")
        with Recorder(pulse) as recording:
            timeline = therapist.start()
            while therapist.clock.now() < timeline.rest_s + 0.5:
                before = therapist.clock.now()
                image = screenshot(desktop)
                shots.append((before, therapist.clock.now(), image))

    # Pictures: each screenshot shows the target where the timeline had it while it was taken.
    tolerance = EDGE_PX / reach_px(profile)
    sides = set()
    for before, after, image in shots:
        seen = target_x(image, profile)
        assert seen is not None
        model = [timeline.position(t)[0]
                 for t in np.arange(before - PICTURE_LAG_S, after + 0.001, 0.001)]
        assert min(model) - tolerance <= seen <= max(model) + tolerance
        if abs(seen) > 0.9:
            sides.add("left" if seen < 0 else "right")
    assert sides == {"left", "right"}
    assert abs(target_x(shots[-1][2], profile)) <= tolerance  # at rest in the centre

    # Sound: one tone per pass, the first on the right, alternating, a pass time apart.
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in onsets] == ["right", "left"] * (passes // 2)
    gaps = np.diff([t for t, _ in onsets])
    pass_s = timeline.pass_time_s(profile.motion.speed_hz)
    # The first tones fade in (safety rule), which moves a threshold onset a little later.
    assert np.allclose(gaps[2:], pass_s, atol=0.002)


def test_a_stop_cancels_a_tone_the_page_had_already_scheduled(desktop, pulse):
    profile = share_profile(24)
    with serving(profile) as (link, therapist), chromium(desktop) as driver:
        open_and_tap(driver, link.url)
        wait_for(lambda: link.ready, "the page to connect and unlock its sound")
        with Recorder(pulse) as recording:
            timeline = therapist.start()
            fourth = timeline.events(timeline.start_s, timeline.rest_s)[3]
            # The page hands tones to Web Audio 0.3 s ahead: 0.1 s before the fourth tone it is
            # already scheduled, so only a stop that reaches the page at once can silence it.
            therapist.wait_until(fourth.time_s - 0.1)
            stopped = therapist.stop()
            therapist.wait_until(stopped.rest_s + 0.5)
            image = screenshot(desktop)
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in onsets] == ["right", "left", "right"]
    seen = target_x(image, profile)
    assert seen is not None and abs(seen) <= EDGE_PX / reach_px(profile)  # glided home


def test_the_left_right_check_beeps_left_then_right_with_the_words_on_the_page(desktop, pulse):
    from bls.audio.lr_check import lr_check_plan

    profile = share_profile(4)
    with serving(profile) as (link, therapist), chromium(desktop) as driver:
        open_and_tap(driver, link.url)
        wait_for(lambda: link.ready, "the page to connect and unlock its sound")
        with Recorder(pulse) as recording:
            plan = lr_check_plan(therapist.clock.now() + 0.5)
            link.lr_check(plan)
            therapist.wait_until(plan[0].beep_times_s[1])
            left_word = driver.find_element("id", "label").text
            therapist.wait_until(plan[1].beep_times_s[1])
            right_word = driver.find_element("id", "label").text
            therapist.wait_until(plan[-1].at_s + 0.5)
            after = driver.find_element("id", "label").is_displayed()
    assert (left_word, right_word, after) == ("LEFT", "RIGHT", False)
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in onsets] == ["left"] * 3 + ["right"] * 3


def test_a_wrong_token_gets_403_and_nothing_else(desktop):
    profile = share_profile(4)
    with serving(profile) as (link, _), chromium(desktop) as driver:
        assert link.url is not None
        base, token = link.url.rstrip("/").rsplit("/", 1)
        wrong = [f"{base}/", f"{base}/{token[:-1]}/", f"{base}/{token}x/", f"{base}/x/ws",
                 f"{base}/static/client.js", f"{base}/{token.upper()}/static/client.js",
                 f"{base}/favicon.ico", f"{base}/{token}/static/../server.py"]
        for url in wrong:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url, timeout=5)
            assert (refused.value.code, refused.value.read()) == (403, b""), url
        driver.get(f"{base}/{token[:-1]}/")
        assert driver.find_elements("id", "start") == []  # no page, nothing to tap
        assert link.clients == 0

        # The right token, one page: a second page is turned away while the first is open.
        open_and_tap(driver, link.url)
        wait_for(lambda: link.ready, "the page to connect")
        second = asyncio.run(_second_page(link.url))
        assert second == ("busy", 4409)
        assert link.clients == 1
        url = link.url
    with pytest.raises(urllib.error.URLError):  # the session is over: the token is dead
        urllib.request.urlopen(url, timeout=5)


async def _second_page(url: str) -> tuple[str, int | None]:
    import json

    import aiohttp

    async with aiohttp.ClientSession() as client, client.ws_connect(url + "ws") as ws:
        message = await ws.receive()
        await ws.receive()  # the close frame
        return json.loads(message.data)["type"], ws.close_code


def test_a_dropped_connection_resumes_the_set_in_place(desktop, pulse):
    profile = share_profile(12)
    with serving(profile) as (link, therapist), chromium(desktop) as driver:
        assert link.url is not None
        port = int(link.url.split(":")[2].split("/")[0])
        relay = CuttableRelay(port)
        try:
            open_and_tap(driver, link.url.replace(f":{port}/", f":{relay.port}/"))
            wait_for(lambda: link.ready, "the page to connect and unlock its sound")
            with Recorder(pulse) as recording:
                timeline = therapist.start()
                events = timeline.events(timeline.start_s, timeline.rest_s)
                therapist.wait_until(events[1].time_s + 0.05)
                relay.refusing = True  # the network goes away for about two passes
                relay.cut()
                wait_for(lambda: link.clients == 0, "bls to notice the page is gone")
                therapist.wait_until(events[3].time_s + 0.05)
                relay.refusing = False
                wait_for(lambda: link.ready, "the page to come back", timeout_s=10)
                # The page is back: a stop sent now must reach it.
                therapist.wait_until(events[8].time_s - 0.1)
                stopped = therapist.stop()
                therapist.wait_until(stopped.rest_s + 0.3)
        finally:
            relay.close()
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    # Every tone of the set until the stop, none missing during the drop, none doubled after.
    assert [side for _, side in onsets] == ["right", "left"] * 4
    gaps = np.diff([t for t, _ in onsets])
    assert np.allclose(gaps[2:], timeline.pass_time_s(profile.motion.speed_hz), atol=0.002)


def test_bls_run_link_starts_the_set_once_the_client_tapped_and_exits_after_it(desktop, pulse,
                                                                              tmp_path):
    """The whole command: the link on stdout, --autostart waits for the page, tones per pass."""
    passes = 4
    env = {**desktop, "BLS_CONFIG_HOME": str(tmp_path / "config"),
           "BLS_DATA_HOME": str(tmp_path / "data")}
    # --no-audio: the therapist's computer stays silent, so the sink records the page alone.
    bls = subprocess.Popen([sys.executable, "-m", "bls", "run", "--link", "--no-audio",
                            "--autostart", "--exit-after-set", "--passes", str(passes)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert bls.stdout is not None
        lines = []
        while not (lines and lines[-1].startswith("client link: ")):
            line = bls.stdout.readline()
            assert line, f"bls exited: {bls.wait()} {bls.stderr.read() if bls.stderr else ''}"
            lines.append(line.rstrip("\n"))
        url = lines[-1].removeprefix("client link: ")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{22}/", url)
        with chromium(desktop) as driver, Recorder(pulse) as recording:
            open_and_tap(driver, url)
            out, err = bls.communicate(timeout=60)
    finally:
        if bls.poll() is None:
            bls.kill()
            bls.wait()
    assert bls.returncode == 0, err
    assert "client page ready: sound on" in out
    assert f"set 1 done: {passes}/{passes} passes" in out
    onsets = find_tone_onsets(recording.samples, recording.sample_rate_hz)
    assert [side for _, side in onsets] == ["right", "left"] * (passes // 2)
