"""Keys, presenter clickers and the mouse → actions → session changes.

Rules: `action_for` maps one pygame event to an `Action` (or None) and nothing else. `Controller`
applies actions at the audio's change time (`output.change_time(now)`), so a start, stop or speed
change lands on the same sample for sound and picture, then publishes the new timelines.
Esc and Q quit at once whatever the state. L schedules the left/right check on the audio clock
(the live loop shows its words frame by frame, so the picture never stalls).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygame

from bls.audio.lr_check import LEAD_S, MONO_WARNING, NO_SOUND, LrStep, schedule_lr_check, word_at
from bls.audio.output import Output
from bls.core.profile import Profile, ProfileError
from bls.core.session import SPEED_STEP_HZ, Session, State
from bls.sounds import SoundFileError, voice_for

VOLUME_STEP = 0.1


class Kind(enum.Enum):
    TOGGLE = "start/stop"
    SPEED = "speed"
    PROFILE = "profile"
    HUD = "hud"
    FULLSCREEN = "fullscreen"
    MUTE = "mute"
    VOLUME = "volume"
    HELP = "help"
    LR_CHECK = "left/right check"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Action:
    kind: Kind
    amount: float = 0.0  # Hz for SPEED, share for VOLUME, 0-based list index for PROFILE


_KEYS: dict[int, Action] = {
    pygame.K_SPACE: Action(Kind.TOGGLE),
    pygame.K_RETURN: Action(Kind.TOGGLE),
    pygame.K_KP_ENTER: Action(Kind.TOGGLE),
    # Presenter clickers: "blank screen" sends B or period; next/previous send PageDown/PageUp
    # (or Right/Left).
    pygame.K_b: Action(Kind.TOGGLE),
    pygame.K_PERIOD: Action(Kind.TOGGLE),
    pygame.K_PAGEDOWN: Action(Kind.SPEED, +SPEED_STEP_HZ),
    pygame.K_PAGEUP: Action(Kind.SPEED, -SPEED_STEP_HZ),
    pygame.K_RIGHT: Action(Kind.SPEED, +SPEED_STEP_HZ),
    pygame.K_LEFT: Action(Kind.SPEED, -SPEED_STEP_HZ),
    pygame.K_UP: Action(Kind.SPEED, +SPEED_STEP_HZ),
    pygame.K_DOWN: Action(Kind.SPEED, -SPEED_STEP_HZ),
    pygame.K_h: Action(Kind.HUD),
    pygame.K_f: Action(Kind.FULLSCREEN),
    pygame.K_m: Action(Kind.MUTE),
    pygame.K_PLUS: Action(Kind.VOLUME, +VOLUME_STEP),
    pygame.K_EQUALS: Action(Kind.VOLUME, +VOLUME_STEP),  # the + key without Shift
    pygame.K_KP_PLUS: Action(Kind.VOLUME, +VOLUME_STEP),
    pygame.K_MINUS: Action(Kind.VOLUME, -VOLUME_STEP),
    pygame.K_KP_MINUS: Action(Kind.VOLUME, -VOLUME_STEP),
    pygame.K_QUESTION: Action(Kind.HELP),
    pygame.K_SLASH: Action(Kind.HELP),  # ? is Shift+/ on most layouts
    pygame.K_F1: Action(Kind.HELP),
    pygame.K_l: Action(Kind.LR_CHECK),
    pygame.K_ESCAPE: Action(Kind.QUIT),
    pygame.K_q: Action(Kind.QUIT),
}
for _number in range(1, 10):
    _KEYS[getattr(pygame, f"K_{_number}")] = Action(Kind.PROFILE, _number - 1)
    _KEYS[getattr(pygame, f"K_KP{_number}")] = Action(Kind.PROFILE, _number - 1)

# The help screen, in the order shown (also the README's key table).
KEY_HELP: tuple[tuple[str, str], ...] = (
    ("Space / Enter / click", "start or stop a set"),
    ("Up / Down / wheel", f"speed ± {SPEED_STEP_HZ:g} Hz (during a set too)"),
    ("clicker: blank (B / .)", "start or stop a set"),
    ("clicker: next / previous", "faster / slower (PageDown / PageUp, Right / Left)"),
    ("1 - 9", "switch profile (while idle), in the order of bls profiles"),
    ("L", "left/right check (while idle)"),
    ("S", "settings panel between sets (S or Esc closes it)"),
    ("H", "show or hide this HUD"),
    ("F", "full screen or window"),
    ("M", "mute or unmute"),
    ("+ / -", "volume up / down"),
    ("?", "show or hide these keys"),
    ("Esc / Q", "quit at once"),
)


def action_for(event: pygame.event.Event) -> Action | None:
    """The action one input event asks for, or None."""
    if event.type == pygame.KEYDOWN:
        if getattr(event, "unicode", "") == "?":
            return Action(Kind.HELP)
        if getattr(event, "unicode", "") == "+":
            return Action(Kind.VOLUME, +VOLUME_STEP)
        return _KEYS.get(event.key)
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
        return Action(Kind.TOGGLE)
    if event.type == pygame.MOUSEWHEEL and event.y:
        return Action(Kind.SPEED, SPEED_STEP_HZ if event.y > 0 else -SPEED_STEP_HZ)
    if event.type == pygame.QUIT:
        return Action(Kind.QUIT)
    return None


@dataclass
class View:
    """What the therapist chose to see and hear besides the target."""

    hud: bool = True
    help: bool = False
    fullscreen_toggles: int = 0
    muted: bool = False
    volume: float = 1.0  # share of the profile's volume, 0..1
    message: str = ""  # one short line for the HUD (e.g. why a key did nothing)
    lr_check: tuple[LrStep, ...] = ()  # the left/right check under way, on the audio clock

    def lr_word(self, t: float) -> str | None:
        """The check's word at picture time t ("" before its first beep), None when none runs."""
        return word_at(self.lr_check, t)


@dataclass
class Controller:
    """Applies actions to the session at the audio's change time and tells the audio."""

    session: Session
    output: Output
    now: Callable[[], float]  # wall-clock seconds (the app's Clock.now)
    profiles: Sequence[Callable[[], Profile]] = ()  # loaders for keys 1-9, in list order
    on_profile: Callable[[Profile], None] | None = None  # the layout rebuilds its picture
    on_publish: Callable[[], None] | None = None  # after the output got new timelines
    cap_note: str = ""  # why the speed stops where it does, beyond the profile (share mode)
    start_lead_s: float = 0.0  # a set starts this long after Space (a client link's page)
    on_lr_check: Callable[[tuple[LrStep, ...]], None] | None = None  # the check, as planned
    view: View = field(default_factory=View)
    quit: bool = False

    def handle(self, event: pygame.event.Event) -> Action | None:
        action = action_for(event)
        if action is not None:
            self.apply(action)
        return action

    def apply(self, action: Action) -> None:
        session, view = self.session, self.view
        t = self.output.change_time(self.now())
        if action.kind is Kind.QUIT:
            self.quit = True
        elif action.kind is Kind.TOGGLE:
            if view.lr_word(t) is not None:
                view.message = "left/right check under way"
            elif self._toggle(t):
                self._publish()
        elif action.kind is Kind.LR_CHECK:
            self._lr_check(t)
        elif action.kind is Kind.SPEED:
            before = session.speed_hz
            session.change_speed(t, action.amount)
            if action.amount > 0 and session.speed_hz == before:
                view.message = f"{before:g} Hz is the most this profile allows{self.cap_note}"
            self._publish()
        elif action.kind is Kind.PROFILE:
            self._switch_profile(int(action.amount), t)
        elif action.kind is Kind.HUD:
            view.hud = not view.hud
        elif action.kind is Kind.HELP:
            view.help = not view.help
        elif action.kind is Kind.FULLSCREEN:
            view.fullscreen_toggles += 1
        elif action.kind is Kind.MUTE:
            view.muted = not view.muted
            self.output.set_muted(view.muted)
        elif action.kind is Kind.VOLUME:
            view.volume = round(min(1.0, max(0.0, view.volume + action.amount)), 2)
            self.output.set_volume(view.volume)

    def use_profile(self, profile: Profile, t: float) -> str | None:
        """Use `profile` from t on (the target must rest then): the session, the tone and, via
        `on_profile`, the picture and the observers. The reason it was not used, or None."""
        if self.session.state(t) is not State.IDLE:
            return "stop the set to switch profile"
        try:
            voice = voice_for(profile.audio, self.output.sample_rate)
        except SoundFileError as error:
            return str(error)
        self.session.switch_profile(profile, t)
        self.output.set_voice(voice)
        if self.on_profile is not None:
            self.on_profile(profile)
        return None

    def _switch_profile(self, index: int, t: float) -> None:
        if index >= len(self.profiles):
            self.view.message = f"no profile {index + 1}"
            return
        if self.session.state(t) is not State.IDLE:
            self.view.message = "stop the set to switch profile"
            return
        try:
            profile = self.profiles[index]()
        except ProfileError as error:
            self.view.message = str(error)
            return
        self.view.message = self.use_profile(profile, t) or f"profile {profile.name}"

    def _toggle(self, t: float) -> bool:
        """Stop a running or queued set at t; otherwise start one `start_lead_s` after t."""
        if self.session.is_busy(t):
            return self.session.stop(t)
        return self.session.start(t + self.start_lead_s)

    def _lr_check(self, t: float) -> None:
        """Beeps in the left ear, then the right, placed on the audio clock from t on."""
        view = self.view
        if self.session.state(t) is not State.IDLE:
            view.message = "stop the set to check left/right"
        elif self.output.backend == "none":
            view.message = NO_SOUND
        elif view.lr_word(t) is None:
            view.lr_check = schedule_lr_check(self.output, t + LEAD_S)
            if self.on_lr_check is not None:
                self.on_lr_check(view.lr_check)
            if self.output.channels < 2:
                view.message = MONO_WARNING

    def _publish(self) -> None:
        self.output.publish(self.session.timelines())
        if self.on_publish is not None:
            self.on_publish()
