"""Read the displays pygame sees, and run the frame-timing self-test in a window.

Shell code: the only doctor module that touches pygame's display. `parse_screens` and
`analyse_frame_times` are pure and tested on their own.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import statistics
from collections.abc import Iterator, Sequence
from types import ModuleType

from bls.clock import Clock
from bls.commands.doctor.facts import HEADLESS_DRIVERS, DisplayFacts, FrameTest, Screen

FALLBACK_REFRESH_HZ = 60
TEST_WINDOW_MAX = (1920, 1080)  # the test window: the desktop size, at most this
LATE_FACTOR = 1.5  # a frame interval longer than this many periods means a frame was missed


def parse_screens(sizes: Sequence[tuple[int, int]],
                  refresh_rates: Sequence[int] | None) -> tuple[Screen, ...]:
    """Screens from pygame.display.get_desktop_sizes() and get_desktop_refresh_rates()."""
    rates = list(refresh_rates or [])
    return tuple(Screen(i, int(w), int(h), int(rates[i]) if i < len(rates) and rates[i] else 0)
                 for i, (w, h) in enumerate(sizes))


def no_display_reason(driver: str, environ: dict[str, str] | os._Environ[str]) -> str:
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return f"SDL video driver is {driver!r}"
    return f"DISPLAY is not set; SDL video driver is {driver!r}"


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Hide what C libraries print on fd 2 while SDL looks for a display ("error:
    XDG_RUNTIME_DIR is invalid" from the Wayland client, which tells the user nothing)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def probe_display(pygame: ModuleType) -> DisplayFacts:
    """The video driver and the screens; opens no window. Never raises."""
    try:
        with _quiet_stderr():
            pygame.display.init()
        driver = str(pygame.display.get_driver())
    except Exception as error:  # pygame.error: no video device, bad SDL_VIDEODRIVER, ...
        return DisplayFacts("", problem=str(error) or "SDL could not start video")
    if driver in HEADLESS_DRIVERS:
        return DisplayFacts(driver, problem=no_display_reason(driver, os.environ))
    try:
        sizes = pygame.display.get_desktop_sizes()
        get_rates = getattr(pygame.display, "get_desktop_refresh_rates", None)
        rates = get_rates() if get_rates is not None else None
    except Exception as error:
        return DisplayFacts(driver, problem=f"cannot read the screens: {error}")
    screens = parse_screens(sizes, rates)
    return DisplayFacts(driver, screens, problem="" if screens else "no screens reported")


def analyse_frame_times(flip_times_s: Sequence[float], period_s: float, seconds: float,
                        paced_by: str) -> FrameTest:
    """Late frames from the times each frame was shown: an interval over 1.5 periods means at
    least one refresh went by without a new frame."""
    intervals = [b - a for a, b in itertools.pairwise(flip_times_s)]
    if not intervals:
        return FrameTest(seconds, period_s, len(flip_times_s), 0, 0.0, 0.0, paced_by,
                         problem="no frames were shown")
    late = sum(1 for interval in intervals if interval > LATE_FACTOR * period_s)
    return FrameTest(seconds, period_s, len(intervals), late, max(intervals),
                     statistics.median(intervals), paced_by)


def frame_self_test(pygame: ModuleType, facts: DisplayFacts, clock: Clock,
                    seconds: float = 3.0) -> tuple[FrameTest, bool | None]:
    """Show the moving target for `seconds` in a window the size of screen 0 (at most 1080p),
    opened and paced as `bls run` does: vsync first, and timer-paced frames on a plain window
    when the flips turn out not to wait for the display. Returns the result and whether vsync
    really paced the flips."""
    from bls.core.timeline import SetTimeline
    from bls.display.pacer import FramePacer
    from bls.display.picture import Picture, make_picture
    from bls.display.window import TextureWindow, Window, open_live_window
    from bls.profiles import DEFAULT_PROFILE, Library

    profile = Library.discover().load(DEFAULT_PROFILE)
    timeline = SetTimeline.begin(0.0, profile.motion, profile.length)
    screen = facts.screens[0]
    size = (min(screen.width, TEST_WINDOW_MAX[0]), min(screen.height, TEST_WINDOW_MAX[1]))
    period_s = 1.0 / (screen.refresh_hz or FALLBACK_REFRESH_HZ)

    def picture_for(window: Window | TextureWindow) -> Picture:
        return make_picture(window, profile.target, profile.motion.amplitude, "top-left")

    paced = False
    try:
        # The window, presenting path and pacer `bls run` uses: SDL's renderer with vsync where
        # there is one, and the plain window, timed by the clock, when vsync makes frames late.
        window = open_live_window(size_px=size, title="bls doctor: frame test")
        period_s = window.period_s
        pacer = FramePacer(clock, period_s, vsync=window.vsync)
        picture = picture_for(window)
        shown: list[float] = []
        start = clock.now()
        while clock.now() - start < seconds:
            pygame.event.pump()
            flip_at = pacer.next_flip()
            picture.draw(timeline.position(flip_at - start), (), (), (), full=not shown)
            shown.append(pacer.show(picture))
            if pacer.vsync_fallback() is not None:  # as bls run: leave vsync behind
                window.close()
                window = open_live_window(size_px=size, vsync=False,
                                          title="bls doctor: frame test")
                pacer.restart(window.period_s, vsync=False)
                picture = picture_for(window)
                shown.clear()
        paced = pacer.paced
    except Exception as error:  # a window that cannot open is the finding, not a crash
        return FrameTest(seconds, period_s, 0, 0, 0.0, 0.0, "", problem=str(error)), None
    finally:
        pygame.display.quit()
    vsync = not paced
    return analyse_frame_times(shown, period_s, seconds, "vsync" if vsync else "timer"), vsync
