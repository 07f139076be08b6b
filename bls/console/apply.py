"""The console's commands applied to the live loop: one place for the console window (share mode,
two-screen office) and the office's settings overlay.

Rules: what a key can do goes through the loop's Controller as that key's Action (start, stop,
speed, check, quit), so it lands on the audio's change time like a key. A profile (chosen, or
edited in the settings) is used at once while the target rests, else from the end of the set
(`after_frame`). Saving writes through `bls.console.save`; a rating goes to the session log
through `on_rate`. What happened is one line in `notice`, for the console to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bls.console.commands import (
    ChooseProfile,
    Command,
    ExportCsv,
    Key,
    LrCheck,
    Quit,
    Rate,
    Rating,
    SaveProfile,
    SetSpeed,
    Speed,
    Toggle,
    UseProfile,
)
from bls.console.save import SaveError, save_profile
from bls.core.profile import Profile, ProfileError
from bls.core.session import State
from bls.live.controls import Action, Kind, action_for
from bls.profiles import Library
from bls.settings import remember_last_profile

if TYPE_CHECKING:
    from bls.live.engine import LiveLoop

# Keys that mean something only with one full-screen window; from the console they do nothing.
CONSOLE_IGNORED_KINDS = (Kind.HUD, Kind.FULLSCREEN)


class CommandApplier:
    """Applies console commands to `loop` (set with `connect` once the loop exists)."""

    def __init__(self, adapt: Callable[[Profile], Profile],
                 on_rate: Callable[[Rate], str | None] | None = None,
                 on_export: Callable[[], str] | None = None) -> None:
        self.adapt = adapt  # the layout's rule for profiles (share mode caps the speed)
        self.on_rate = on_rate
        self.on_export = on_export  # writes the session's CSV; says where, or why not
        self.loop: LiveLoop | None = None
        self.library = Library.discover()
        self.names = tuple(self.library.names())
        self.pending: Profile | None = None
        self.ratings: dict[int, Rating] = {}
        self.notice = ""

    def connect(self, loop: LiveLoop) -> None:
        self.loop = loop

    def next_profile(self) -> Profile | None:
        """The profile the next set uses, with the live speed (None before `connect`)."""
        if self.pending is not None:
            return self.pending
        if self.loop is None:
            return None
        session = self.loop.session
        return replace(session.profile,
                       motion=replace(session.profile.motion, speed_hz=session.speed_hz))

    def rating_list(self) -> tuple[Rating, ...]:
        return tuple(self.ratings[number] for number in sorted(self.ratings))

    def after_frame(self, t: float) -> None:
        """Use a profile that waited for the set to end, once the target is at rest."""
        loop = self.loop
        if self.pending is not None and loop is not None \
                and loop.session.state(t) is State.IDLE:
            pending, self.pending = self.pending, None
            self._switch(pending)

    def apply(self, command: Command) -> None:
        loop = self.loop
        if loop is None:
            return
        controller, session = loop.controller, loop.session
        if isinstance(command, Toggle):
            controller.apply(Action(Kind.TOGGLE))
        elif isinstance(command, Speed):
            controller.apply(Action(Kind.SPEED, command.delta_hz))
        elif isinstance(command, SetSpeed):
            controller.apply(Action(Kind.SPEED, command.speed_hz - session.speed_hz))
        elif isinstance(command, LrCheck):
            controller.apply(Action(Kind.LR_CHECK))
        elif isinstance(command, Quit):
            controller.apply(Action(Kind.QUIT))
        elif isinstance(command, Key):
            # Key carries the pygame event as an opaque object (commands.py imports no pygame).
            action = action_for(command.event)  # type: ignore[arg-type]
            if action is not None and action.kind not in CONSOLE_IGNORED_KINDS:
                controller.apply(action)
        elif isinstance(command, ChooseProfile):
            self._choose(command.name)
        elif isinstance(command, UseProfile):
            self._use(command.profile)
        elif isinstance(command, SaveProfile):
            self._save(command)
        elif isinstance(command, Rate):
            self._rate(command)
        elif isinstance(command, ExportCsv):
            self.notice = (self.on_export() if self.on_export is not None
                           else "not exported: no session log here")

    def _choose(self, name: str) -> None:
        try:
            profile = self.library.load(name)
        except ProfileError as error:
            self.notice = f"not used: {error}"
            return
        self._use(profile)

    def _use(self, profile: Profile) -> None:
        loop = self.loop
        assert loop is not None
        t = loop.output.change_time(loop.clock.now())
        if loop.session.state(t) is State.IDLE:
            self._switch(profile)
        else:
            self.pending = profile
            self.notice = "the changes apply from the next set"

    def _switch(self, profile: Profile) -> None:
        """Use `profile` now, as a profile key would (the target is at rest): the session, the
        tone, the client's picture and the observers; while a set runs it waits."""
        loop = self.loop
        assert loop is not None
        profile = self.adapt(profile)
        t = loop.output.change_time(loop.clock.now())
        if loop.session.state(t) is not State.IDLE:
            self.pending = profile
            return
        problem = loop.controller.use_profile(profile, t)
        if problem is not None:
            self.notice = f"not used: {problem}"

    def _save(self, command: SaveProfile) -> None:
        profile = self.next_profile()
        assert profile is not None
        try:
            path = save_profile(profile, command.name, overwrite=command.overwrite)
        except SaveError as error:
            self.notice = f"not saved: {error}"
            return
        self.names = tuple(self.library.names())
        self.notice = f"saved as profile {path.stem!r}"
        remember_last_profile(path.stem, self._say)
        try:  # from now on the profile in use is the saved one, under its new name
            self._use(self.library.load(path.stem))
        except ProfileError as error:
            self.notice = f"saved, but not used: {error}"

    def _rate(self, command: Rate) -> None:
        problem = self.on_rate(command) if self.on_rate is not None else None
        if problem:
            self.notice = f"not noted: {problem}"
            return
        self.ratings[command.set_number] = Rating(command.set_number, command.sud, command.voc,
                                                  command.note)

    def _say(self, line: str) -> None:
        self.notice = line.removeprefix("bls: ")
