"""`bls calibrate`: line up the sound with the picture and save the offset for every later session.

A flash appears at one end of the path, then the other, once a second, each with a click in that
ear. Left/Right move the sound 5 ms earlier/later (Shift: 25 ms) until click and flash coincide;
Enter saves the offset (settings file, 0600), Esc leaves without saving. The step and flash logic
at the top is pure; pygame and the sound device are used only inside `calibrate_command`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bls.core.profile import Motion, Profile, SetLength
from bls.core.timeline import EdgeEvent, SetTimeline, Side
from bls.options import CalibrateOptions
from bls.settings import MAX_OFFSET_S

STEP_MS = 5
COARSE_STEP_MS = 25
CALIBRATION_SPEED_HZ = 0.5  # one pass, so one flash and one click, per second
FLASH_S = 0.1
LEAD_IN_S = 0.5  # first flash comes soon after the window opens
CALIBRATION_LENGTH_S = 3600.0


def stepped_offset(offset_s: float, steps: int) -> float:
    """`offset_s` moved by `steps` x 5 ms, on the whole-millisecond grid the settings file keeps,
    and clamped to ±MAX_OFFSET_S."""
    limit_ms = round(MAX_OFFSET_S * 1000)
    offset_ms = round(offset_s * 1000) + steps * STEP_MS
    return max(-limit_ms, min(limit_ms, offset_ms)) / 1000


def steps_for_key(key: str, coarse: bool = False) -> int:
    """How many 5 ms steps a key moves the offset. "left" makes the sound come earlier relative
    to the picture, which means the picture waits longer: a larger offset."""
    size = COARSE_STEP_MS // STEP_MS if coarse else 1
    return {"left": size, "right": -size}.get(key, 0)


def describe_offset(offset_s: float) -> str:
    """What an offset means, in words a therapist can act on."""
    offset_ms = round(offset_s * 1000)
    if offset_ms > 0:
        return f"{offset_ms} ms: the picture waits {offset_ms} ms for slow sound (Bluetooth)"
    if offset_ms < 0:
        return f"{offset_ms} ms: the sound plays {-offset_ms} ms ahead of the picture"
    return "0 ms: no correction"


def calibration_timeline(start_s: float, amplitude: float) -> SetTimeline:
    """An hour-long horizontal set at 0.5 Hz with constant speed: one click per second, at
    alternating ends, so the arrival is a sharp moment."""
    motion = Motion(path="horizontal", speed_hz=CALIBRATION_SPEED_HZ,
                    max_speed_hz=CALIBRATION_SPEED_HZ, easing="linear", dwell_s=0.0,
                    amplitude=amplitude)
    return SetTimeline.begin(start_s, motion, SetLength(None, CALIBRATION_LENGTH_S))


@dataclass(frozen=True, slots=True)
class Flash:
    side: Side
    strength: float  # 1 at the click, fading to 0 after FLASH_S


def flash_at(timeline: SetTimeline, picture_t: float) -> Flash | None:
    """The flash shown at picture time `picture_t`: the latest click less than FLASH_S ago."""
    recent: tuple[EdgeEvent, ...] = timeline.events(picture_t - FLASH_S, picture_t)
    if not recent:
        return None
    event = recent[-1]
    age = (picture_t - event.time_s) / FLASH_S
    # Full brightness for most of the flash, then a short fade: a crisp onset is what the eye
    # lines up with the click.
    return Flash(event.side, 1.0 if age < 0.6 else max(0.0, (1.0 - age) / 0.4))


def click_audio(profile: Profile) -> object:
    """The profile's [audio] with a click tone: a sharp onset is the easiest thing to align."""
    return replace(profile.audio, tone="click", duration_s=min(profile.audio.duration_s, 0.03),
                   pan="hard", crossfeed=0.0)


# --- shell -----------------------------------------------------------------------------------


def calibrate_command(options: CalibrateOptions, profile: Profile) -> int:
    """Run the calibration window; 0 when saved or cancelled, 1 when sound cannot play."""
    import sys

    from bls.display.window import DisplayError
    from bls.settings import Settings, SettingsError, load_settings, save_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        sys.stderr.write(f"bls: {error}; starting from 0 ms\n")
        settings = Settings()
    try:
        outcome = _run_window(options, profile, settings.audio_offset_s)
    except DisplayError as error:
        sys.stderr.write(f"bls calibrate: {error}\n")
        return 2
    if outcome is None:
        print(f"calibration not saved; the offset stays {round(settings.audio_offset_s * 1000)} ms")
        return 0
    if isinstance(outcome, str):
        sys.stderr.write(f"bls calibrate: {outcome}\n")
        return 1
    try:
        path = save_settings(settings.with_offset(outcome))
    except SettingsError as error:
        sys.stderr.write(f"bls calibrate: {error}\n")
        return 1
    print(f"saved audio offset {round(outcome * 1000)} ms to {path}; every session applies it")
    return 0


def _run_window(options: CalibrateOptions, profile: Profile,
                start_offset_s: float) -> float | str | None:
    """The offset chosen (Enter), None (Esc or window closed), or a problem to report."""
    import pygame

    from bls.audio import open_output
    from bls.clock import Clock
    from bls.display.fonts import ui_font
    from bls.display.pacer import FramePacer
    from bls.display.window import open_window

    clock = Clock()
    output = open_output(click_audio(profile), enabled=True, clock=clock)
    if output.problem:
        output.close()
        return f"no sound: {output.problem}"
    try:
        size = options.window or (1280, 720)
        # A surface window: the whole picture changes with every flash, so the full-window
        # update is the right way to present it; vsync where the system gives it.
        window = open_window(size_px=size, title="bls calibrate")
        output.start()
        pygame.key.set_repeat(350, 60)
        font = ui_font(max(16, size[1] // 36))
        pacer = FramePacer(clock, window.period_s, vsync=window.vsync)
        timeline = calibration_timeline(clock.now() + LEAD_IN_S, profile.motion.amplitude)
        output.publish((timeline,))
        offset_s = start_offset_s
        while True:
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    return None
                if event.type != pygame.KEYDOWN:
                    continue
                if event.key == pygame.K_ESCAPE:
                    return None
                if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                    return offset_s
                if event.key == pygame.K_0:
                    offset_s = 0.0
                name = {pygame.K_LEFT: "left", pygame.K_RIGHT: "right"}.get(event.key, "")
                coarse = bool(event.mod & pygame.KMOD_SHIFT)
                offset_s = stepped_offset(offset_s, steps_for_key(name, coarse))
            picture_t = output.heard_time(pacer.next_flip()) - offset_s
            _draw(window.surface, font, profile, timeline, picture_t, offset_s, start_offset_s)
            pacer.show(window)
    except pygame.error as error:
        return f"cannot open a window: {error}"
    finally:
        output.close()
        pygame.quit()


def _draw(screen: object, font: object, profile: Profile, timeline: SetTimeline,
          picture_t: float, offset_s: float, saved_s: float) -> None:
    import pygame

    assert isinstance(screen, pygame.Surface) and isinstance(font, pygame.font.Font)
    width, height = screen.get_size()
    target = profile.target
    screen.fill(target.background)
    radius = max(12, round(height * 0.06))
    centre_y = height // 2 - height // 10
    half = width / 2 - radius - 4
    for side, sign in (("left", -1), ("right", 1)):
        x = round(width / 2 + sign * half * profile.motion.amplitude)
        pygame.draw.circle(screen, _mix(target.background, target.color, 0.35), (x, centre_y),
                           radius, width=2)
        flash = flash_at(timeline, picture_t)
        if flash is not None and flash.side == side:
            colour = _mix(target.background, target.color, flash.strength)
            pygame.draw.circle(screen, colour, (x, centre_y), radius)
    lines = [
        "Does each click come with its flash?  Left flash: click in the left ear.",
        "Left / Right arrow: sound 5 ms earlier / later   (Shift: 25 ms, hold to repeat)",
        "Enter: save    Esc: leave without saving    0: back to 0 ms",
        f"offset {describe_offset(offset_s)}",
        f"saved until now: {round(saved_s * 1000)} ms",
    ]
    text_colour = _mix(target.background, (230, 230, 230), 0.9)
    y = centre_y + radius + height // 10
    for line in lines:
        image = font.render(line, True, text_colour)
        screen.blit(image, ((width - image.get_width()) // 2, y))
        y += math.ceil(image.get_height() * 1.4)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    red, green, blue = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return (red, green, blue)
