"""The client link inside the live loop: sets start a lead time after Space, the page hears of
every change and of a left/right check, and a page's clock pings are answered in audio time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bls.audio.output import NullOutput
from bls.clock import ManualClock
from bls.core.profile import SetLength
from bls.core.session import Session, State
from bls.link.live import LinkObserver
from bls.link.protocol import START_LEAD_S
from bls.live.controls import Action, Controller, Kind
from bls.profiles import Library


class FakeServer:
    """Stands in for LinkServer: remembers what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []
        self.checks: list[tuple] = []
        self.clock_reference: tuple[float, float] | None = None
        self.ready = False

    def publish(self, timelines, profile) -> None:
        self.sent.append(tuple(timelines))

    def lr_check(self, plan) -> None:
        self.checks.append(tuple(plan))

    def set_timeline_clock(self, wall_s: float, timeline_s: float) -> None:
        self.clock_reference = (wall_s, timeline_s)


class StereoOutput(NullOutput):
    """No device, but one that can play a check (backend and channels as a real one)."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock)
        self.backend, self.channels = "test", 2

    def heard_time(self, wall_s: float) -> float:
        return wall_s + 0.25  # the audio clock runs a quarter second ahead of the wall clock

    def play(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def rig():
    profile = replace(Library.discover().load("share"), length=SetLength(passes=6, seconds=None))
    clock = ManualClock(100.0)
    output = StereoOutput(clock=clock)
    server = FakeServer()
    link = LinkObserver(server, output, clock)  # type: ignore[arg-type]
    controller = Controller(Session(profile), output, clock.now, start_lead_s=START_LEAD_S,
                            on_publish=lambda: link.published(controller.session),
                            on_lr_check=link.lr_check)
    return controller, clock, server


def test_a_set_starts_the_lead_time_after_space_and_the_page_hears_of_it(rig):
    controller, _, server = rig
    controller.apply(Action(Kind.TOGGLE))
    timeline = controller.session.current
    assert timeline is not None and timeline.start_s == pytest.approx(100.0 + START_LEAD_S)
    assert server.sent[-1] == (timeline,)
    assert server.clock_reference == (100.0, 100.25)  # pings are answered in audio time
    # Space during the lead takes the set back, and the page hears that too.
    controller.apply(Action(Kind.TOGGLE))
    assert controller.session.current is None and server.sent[-1] == ()


def test_a_stop_reaches_the_page_at_once(rig):
    controller, clock, server = rig
    controller.apply(Action(Kind.TOGGLE))
    clock.advance(2.0)
    controller.apply(Action(Kind.TOGGLE))
    (stopped,) = server.sent[-1]
    assert stopped.stop is not None and stopped.stop.start_s == pytest.approx(102.0)
    assert controller.session.state(102.0) is State.ENDING


def test_the_left_right_check_goes_to_the_page_as_planned(rig):
    controller, _, server = rig
    controller.apply(Action(Kind.LR_CHECK))
    assert server.checks and server.checks[-1] == controller.view.lr_check
    assert [step.label for step in server.checks[-1]] == ["LEFT", "RIGHT", ""]
