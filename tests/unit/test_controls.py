"""Keys, clicker buttons and the mouse, fed as synthetic pygame events, change the session."""

from __future__ import annotations

import math
from dataclasses import replace

import pygame
import pytest

from bls.audio.output import NullOutput
from bls.clock import ManualClock
from bls.core.profile import SetLength
from bls.core.session import Session, State
from bls.core.timeline import CENTRE
from bls.live.controls import SPEED_STEP_HZ, Controller, Kind, action_for
from bls.profiles import Library


def key(code: int, unicode: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=unicode)


class RecordingOutput(NullOutput):
    """No sound; remembers what the controller told the audio."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock)
        self.published: list[tuple] = []
        self.voices: list[object] = []

    def publish(self, timelines) -> None:
        super().publish(timelines)
        self.published.append(tuple(timelines))

    def set_voice(self, voice) -> None:
        self.voices.append(voice)


@pytest.fixture
def rig():
    library = Library.discover()
    profile = replace(library.load("standard"), length=SetLength(passes=6, seconds=None))
    clock = ManualClock(100.0)
    output = RecordingOutput(clock)
    loaders = [lambda name=name: library.load(name) for name in library.names()]
    controller = Controller(Session(profile), output, clock.now, profiles=loaders)
    return controller, clock, output


def test_space_starts_a_set_and_space_again_stops_it(rig):
    controller, clock, output = rig
    controller.handle(key(pygame.K_SPACE))
    session = controller.session
    assert session.state(clock.now()) is State.RUNNING
    assert output.published[-1] == (session.current,)
    clock.advance(1.2)
    controller.handle(key(pygame.K_SPACE))
    assert session.state(clock.now()) is State.ENDING
    assert session.current.events(clock.now(), math.inf) == ()
    clock.t = session.current.rest_s
    assert session.state(clock.now()) is State.IDLE
    assert session.position(clock.now()) == CENTRE


@pytest.mark.parametrize("code", [pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_b,
                                  pygame.K_PERIOD])
def test_enter_and_the_clicker_blank_button_start_and_stop(rig, code):
    controller, clock, _ = rig
    controller.handle(key(code))
    assert controller.session.state(clock.now()) is State.RUNNING
    clock.advance(0.5)
    controller.handle(key(code))
    assert controller.session.state(clock.now()) is State.ENDING


def test_a_mouse_click_starts_and_the_wheel_changes_speed(rig):
    controller, clock, _ = rig
    start_speed = controller.session.speed_hz
    controller.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(5, 5)))
    assert controller.session.state(clock.now()) is State.RUNNING
    controller.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1))
    assert controller.session.speed_hz == pytest.approx(start_speed + SPEED_STEP_HZ)
    controller.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1))
    assert controller.session.speed_hz == pytest.approx(start_speed)


@pytest.mark.parametrize(("code", "sign"), [(pygame.K_UP, 1), (pygame.K_DOWN, -1),
                                            (pygame.K_PAGEDOWN, 1), (pygame.K_PAGEUP, -1),
                                            (pygame.K_RIGHT, 1), (pygame.K_LEFT, -1)])
def test_speed_keys_change_a_running_set_without_a_jump(rig, code, sign):
    controller, clock, _ = rig
    controller.handle(key(pygame.K_SPACE))
    clock.advance(1.37)
    before = controller.session.position(clock.now())
    speed = controller.session.speed_hz
    controller.handle(key(code))
    assert controller.session.current.speed_hz == pytest.approx(speed + sign * SPEED_STEP_HZ)
    assert math.dist(before, controller.session.position(clock.now())) < 1e-9


def test_up_stops_at_the_profile_cap(rig):
    controller, _, _ = rig
    for _ in range(40):
        controller.handle(key(pygame.K_UP))
    assert controller.session.speed_hz == pytest.approx(
        controller.session.profile.motion.max_speed_hz)


def test_number_keys_switch_profile_only_while_idle(rig):
    controller, _, output = rig
    names = Library.discover().names()
    controller.handle(key(pygame.K_2))
    assert controller.session.profile.key == names[1]
    assert len(output.voices) == 1
    controller.handle(key(pygame.K_SPACE))
    controller.handle(key(pygame.K_1))
    assert controller.session.profile.key == names[1]
    assert "stop the set" in controller.view.message
    controller.handle(key(pygame.K_9))
    assert controller.session.profile.key == names[1]


def test_view_keys_toggle_hud_help_mute_and_step_volume(rig):
    controller, _, output = rig
    view = controller.view
    hud = view.hud
    controller.handle(key(pygame.K_h))
    assert view.hud is not hud
    controller.handle(key(pygame.K_SLASH, "?"))
    assert view.help
    controller.handle(key(pygame.K_m))
    assert output.muted
    controller.handle(key(pygame.K_MINUS))
    assert output.volume == pytest.approx(0.9)
    controller.handle(key(pygame.K_EQUALS, "="))
    assert output.volume == pytest.approx(1.0)
    controller.handle(key(pygame.K_f))
    assert view.fullscreen_toggles == 1


@pytest.mark.parametrize("event", [key(pygame.K_ESCAPE), key(pygame.K_q),
                                   pygame.event.Event(pygame.QUIT)])
def test_escape_q_and_closing_the_window_quit_even_during_a_set(rig, event):
    controller, _, _ = rig
    controller.handle(key(pygame.K_SPACE))
    controller.handle(event)
    assert controller.quit


def test_l_asks_for_the_left_right_check():
    assert action_for(key(pygame.K_l)).kind is Kind.LR_CHECK


def test_changes_land_at_the_audio_change_time_not_the_key_time(rig):
    controller, clock, output = rig
    output.change_time = lambda wall_s: wall_s + 0.25  # a stream with 250 ms already rendered
    controller.handle(key(pygame.K_SPACE))
    assert controller.session.current.start_s == pytest.approx(clock.now() + 0.25)
    assert action_for(key(pygame.K_SPACE)).kind is Kind.TOGGLE


class StereoOutput(RecordingOutput):
    """A two-channel device that remembers the one-off beeps it was asked to play."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.backend, self.channels = "test", 2
        self.beeps: list[tuple[float, float, float]] = []

    def play(self, wave, at_s: float, *, left: float = 1.0, right: float = 1.0) -> None:
        self.beeps.append((at_s, left, right))


def test_l_checks_left_then_right_without_holding_up_the_picture(rig):
    controller, clock, _ = rig
    output = StereoOutput(clock)
    controller.output = output
    controller.handle(key(pygame.K_l))
    view = controller.view
    # The key returns at once: the beeps are placed on the audio clock, the words follow them.
    assert [("L" if left else "R") for _, left, _ in sorted(output.beeps)] == ["L"] * 3 + ["R"] * 3
    left_beep, right_beep = sorted(output.beeps)[0][0], sorted(output.beeps)[3][0]
    assert view.lr_word(left_beep) == "LEFT" and view.lr_word(right_beep) == "RIGHT"
    assert view.lr_word(sorted(output.beeps)[-1][0] + 2.0) is None
    # Space during the check starts no set; after it, Space works again.
    controller.handle(key(pygame.K_SPACE))
    assert controller.session.state(clock.now()) is State.IDLE
    clock.t = sorted(output.beeps)[-1][0] + 2.0
    controller.handle(key(pygame.K_SPACE))
    assert controller.session.state(clock.now()) is State.RUNNING


def test_l_during_a_set_or_without_sound_says_why_in_the_hud(rig):
    controller, clock, _ = rig
    controller.handle(key(pygame.K_l))
    assert "needs sound" in controller.view.message and controller.view.lr_check == ()
    stereo = StereoOutput(clock)
    controller.output = stereo
    controller.handle(key(pygame.K_SPACE))
    controller.handle(key(pygame.K_l))
    assert controller.view.message == "stop the set to check left/right"
    assert stereo.beeps == []
