"""The live loop with a sound device that stalls: the target holds still, it never jumps back."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame
import pytest

from bls.audio import NullOutput
from bls.clock import ManualClock
from bls.core.profile import SetLength, with_overrides
from bls.core.session import Session
from bls.display.pacer import FramePacer
from bls.live.controls import View
from bls.live.engine import Frame, LiveLoop
from bls.profiles import Library

PERIOD_S = 1 / 60
STALL_AT_S, STALL_S = 1.0, 0.5


class StallingOutput(NullOutput):
    """Wall-clock sound whose clock snaps back by STALL_S at STALL_AT_S, as a device that
    stopped playing for half a second does."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(None, clock=clock)
        self.start_s = clock.now()

    def heard_time(self, wall_s: float) -> float:
        return wall_s - (STALL_S if wall_s - self.start_s >= STALL_AT_S else 0.0)


@dataclass
class Window:
    period_s: float = PERIOD_S
    vsync: bool = False


@dataclass
class Picture:
    def present(self) -> None:
        pass


@dataclass
class Client:
    window: Window = field(default_factory=Window)
    picture: Picture = field(default_factory=Picture)


@dataclass
class RecordingLayout:
    """A layout with no window: it remembers every frame it was asked to draw."""

    client: Client = field(default_factory=Client)
    frames: list[Frame] = field(default_factory=list)

    def connect(self, loop: LiveLoop) -> None: ...
    def describe(self) -> str:
        return "nowhere"
    def adapt(self, profile):  # type: ignore[no-untyped-def]
        return profile
    def handle(self, event: pygame.event.Event, view: View, busy: bool) -> None:
        return None
    def draw(self, frame: Frame, view: View) -> bool:
        self.frames.append(frame)
        return True
    def after_frame(self, frame: Frame, view: View) -> None: ...
    def use_profile(self, profile) -> None: ...  # type: ignore[no-untyped-def]
    def reopen(self, *, vsync: bool, toggle_fullscreen: bool = False) -> None: ...
    def close(self) -> None: ...


def test_a_stalled_sound_clock_holds_the_target_instead_of_jumping_back(dummy_video) -> None:
    profile = with_overrides(Library.discover().load("standard"), passes=6, speed_hz=None,
                             seconds=None)
    assert profile.length == SetLength(6, None)
    clock = ManualClock(100.0)
    layout = RecordingLayout()
    loop = LiveLoop(Session(profile), layout, StallingOutput(clock), clock, offset_s=0.0,
                    autostart=True, exit_after_set=True)
    loop.pacer = FramePacer(clock, PERIOD_S, vsync=False, sleep=clock.advance)
    loop.run()

    times = [frame.t for frame in layout.frames]
    assert times == sorted(times), "the picture went back in time"
    held = [a.position for a, b in zip(layout.frames, layout.frames[1:], strict=False)
            if a.t == b.t]
    # Half a second of frames shows one place while the sound catches up, then it moves on.
    assert len(held) == pytest.approx(STALL_S / PERIOD_S, abs=2)
    assert len(set(held)) == 1
    assert layout.frames[-1].position != held[0]


class RecordingObserver:
    def __init__(self) -> None:
        self.profiles: list[str] = []

    def published(self, session: Session) -> None:
        self.profiles.append(session.profile.key)

    def set_ended(self, ended, session: Session) -> None: ...  # type: ignore[no-untyped-def]
    def lr_check(self, plan) -> None: ...  # type: ignore[no-untyped-def]


def test_a_profile_chosen_in_the_console_reaches_the_observers_as_a_key_does(
        dummy_video) -> None:
    from bls.console.apply import CommandApplier
    from bls.console.commands import ChooseProfile
    from bls.live.controls import Action, Kind

    library = Library.discover()
    clock = ManualClock(100.0)
    observer = RecordingObserver()
    loop = LiveLoop(Session(library.load("standard")), RecordingLayout(), NullOutput(clock=clock),
                    clock, offset_s=0.0, profiles=[lambda: library.load("fast")],
                    observers=[observer])
    console = CommandApplier(lambda profile: profile)
    console.connect(loop)

    console.apply(ChooseProfile("slow"))  # the console's profile list (the client link's page
    assert loop.session.profile.key == "slow"  # must change its look as the picture does)
    assert observer.profiles[-1] == "slow"
    loop.controller.apply(Action(Kind.PROFILE, 0))  # key 1
    assert observer.profiles[-1] == "fast"
