"""What crosses between the live engine and the console: a snapshot in, commands out.

Rules: both directions are frozen values. The console never touches the Session, the audio or a
file of the session log: it turns input into `Command`s and the engine applies them (the speed at
once, a profile from the next set). The engine hands the console a new `ConsoleSnapshot` whenever
something it shows changed. Pure: no pygame here (`Key` carries the event as an opaque object).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bls.core.profile import Profile
from bls.link.status import LinkStatus


@dataclass(frozen=True, slots=True)
class Toggle:
    """Start a set, or stop the one running (as Space)."""


@dataclass(frozen=True, slots=True)
class Speed:
    """Change the live speed by `delta_hz` (as Up/Down), within the profile's limits."""

    delta_hz: float


@dataclass(frozen=True, slots=True)
class SetSpeed:
    """Set the live speed to `speed_hz`, already checked against the profile table."""

    speed_hz: float


@dataclass(frozen=True, slots=True)
class UseProfile:
    """Use this (edited, already validated) profile from the next set; the client view shows its
    target at rest now."""

    profile: Profile


@dataclass(frozen=True, slots=True)
class ChooseProfile:
    """Switch to the named profile (as the keys 1-9) and remember it for next time."""

    name: str


@dataclass(frozen=True, slots=True)
class SaveProfile:
    """Save the profile in use as the user profile `name` (`bls.console.save.save_profile`);
    `overwrite` only after the therapist said yes to replacing their own profile of that name."""

    name: str
    overwrite: bool = False


@dataclass(frozen=True, slots=True)
class Rate:
    """The rating of an ended set as it stands now (replaces an earlier one for that set)."""

    set_number: int
    sud: int | None
    voc: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExportCsv:
    """Export this session's log as a CSV file into the Documents folder (never over a file)."""


@dataclass(frozen=True, slots=True)
class LrCheck:
    """Play the left/right check (as L)."""


@dataclass(frozen=True, slots=True)
class Quit:
    """Quit at once (as Esc)."""


@dataclass(frozen=True, slots=True)
class Key:
    """A key pressed in the console that it does not use itself (M, +, -, H, ?): the engine
    handles it as if it had been pressed in its own window."""

    event: object = field(compare=False)


Command = Toggle | Speed | SetSpeed | UseProfile | ChooseProfile | SaveProfile | Rate | LrCheck \
    | ExportCsv | Quit | Key


@dataclass(frozen=True, slots=True)
class Rating:
    set_number: int
    sud: int | None
    voc: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ConsoleSnapshot:
    """Everything the console shows, as the engine sees it now.

    `profile` is the profile of the next set (with the console's changes and the live speed);
    `hud` the engine's HUD lines (profile and speed, pass k of N, sound, late frames...);
    `state` is "idle", "running" or "ending"; `set_number` counts sets started this session;
    `rest_after_set` is the number of the set that ended while the target is at rest (None while
    a set runs or before the first); `ratings` holds this session's ratings in set order;
    `log_status` says whether the session log is on; `notice` is the engine's last word on a
    command (saved, refused), "" for none; `link_url` is the client link ("" without one or
    before it is served) and `link_status` what the link's server says of the client's page.
    """

    profile: Profile
    profile_names: tuple[str, ...]
    speed_hz: float
    hud: tuple[str, ...] = ()
    state: str = "idle"
    set_number: int = 0
    rest_after_set: int | None = None
    ratings: tuple[Rating, ...] = ()
    log_status: str = "session log: on"
    notice: str = ""
    link_url: str = ""
    link_status: LinkStatus | None = None

    @property
    def running(self) -> bool:
        return self.state != "idle"

    def rating_of(self, set_number: int) -> Rating | None:
        for rating in self.ratings:
            if rating.set_number == set_number:
                return rating
        return None
