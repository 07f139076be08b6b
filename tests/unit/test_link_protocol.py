"""The client link's protocol: what the page receives fixes the set; what it sends is bounded."""

from __future__ import annotations

import json

import pytest

from bls.audio.lr_check import lr_check_plan
from bls.core.profile import Profile
from bls.core.synth import VOLUME_CEILING
from bls.link.protocol import (
    MAX_MESSAGE_BYTES,
    PageState,
    Ping,
    RateLimit,
    encode,
    lr_check_message,
    parse_client_message,
    sound_id,
    timelines_message,
)
from bls.profiles import Library


@pytest.fixture
def profile() -> Profile:
    return Library.discover().load("share")


def test_a_stopped_set_with_speed_changes_is_sent_whole(profile: Profile) -> None:
    from bls.core.session import Session

    session = Session(profile)
    session.start(10.0)
    session.change_speed(11.3, -0.2)
    session.stop(12.0)
    message = json.loads(encode(timelines_message(session.timelines(), profile)))
    (sent,) = message["timelines"]
    timeline = session.current
    assert timeline is not None and timeline.stop is not None
    assert sent["segments"] == [[s.start_s, s.phase, s.speed_hz] for s in timeline.segments]
    assert len(sent["segments"]) == 2
    assert sent["stop"]["start_s"] == 12.0
    assert sent["passes"] == profile.length.passes and sent["seconds"] is None
    assert message["max_speed_hz"] == profile.motion.max_speed_hz == 1.0


def test_the_page_gets_the_profile_level_under_the_ceiling(profile: Profile) -> None:
    audio = timelines_message((), profile, volume_share=0.5)["audio"]
    assert audio["peak"] == pytest.approx(VOLUME_CEILING * profile.audio.volume * 0.5)
    assert timelines_message((), profile, volume_share=7.0)["audio"]["peak"] <= VOLUME_CEILING


def test_the_sound_name_changes_with_the_tone_only(profile: Profile) -> None:
    from dataclasses import replace

    louder = replace(profile, audio=replace(profile.audio, volume=1.0))
    lower = replace(profile, audio=replace(profile.audio, frequency_hz=200.0))
    assert sound_id(louder) == sound_id(profile) != sound_id(lower)


def test_an_lr_check_sends_each_word_and_its_beeps() -> None:
    message = lr_check_message(lr_check_plan(5.0))
    assert [s["label"] for s in message["steps"]] == ["LEFT", "RIGHT", ""]
    assert [s["side"] for s in message["steps"]] == ["left", "right", None]
    assert all(5.0 <= b < 8.0 for s in message["steps"] for b in s["beeps"])


def test_good_messages_from_the_page_are_understood() -> None:
    assert parse_client_message('{"type":"ping","id":3,"page_s":12.5}') == Ping(3, 12.5)
    assert parse_client_message(b'{"type":"state","unlocked":true}') == PageState(True)


@pytest.mark.parametrize("data", [
    "", "null", "[]", "{", '"ping"', '{"type":"ping"}', '{"type":"ping","id":-1,"page_s":1}',
    '{"type":"ping","id":true,"page_s":1}', '{"type":"ping","id":1,"page_s":"1"}',
    '{"type":"ping","id":1,"page_s":1e400}', '{"type":"ping","id":1,"page_s":NaN}',
    '{"type":"state","unlocked":1}', '{"type":"shutdown"}', b"\xff\xfe",
    "[" * 400 + "]" * 400,
    '{"type":"ping","id":1,"page_s":1,"pad":"' + "x" * MAX_MESSAGE_BYTES + '"}',
])
def test_malformed_or_oversized_messages_are_dropped(data: str | bytes) -> None:
    assert parse_client_message(data) is None


def test_a_flood_is_cut_to_the_sustained_rate() -> None:
    limit = RateLimit(rate_per_s=20.0, burst=40)
    allowed = sum(limit.allow(i * 0.001) for i in range(1000))  # 1000 messages in one second
    assert 40 <= allowed <= 40 + 21
    assert limit.allow(10.0)  # a quiet page is heard again
