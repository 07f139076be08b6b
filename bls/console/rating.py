"""The rating strip between sets, the pure part: which scale a key fills, and the SUD trend chart.

Rules: a digit fills the active scale (SUD 0-10, then VOC 1-7 when the therapist asks for VOC);
T is SUD 10; a digit the scale does not hold changes nothing. Every change is a new frozen draft
whose `rate()` is the Rate command for it. The chart is geometry only (points in a box); the
console draws it. No pygame, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bls.console.commands import Rate, Rating
from bls.log.records import NOTE_MAX_CHARS, SUD_RANGE, VOC_RANGE

SUD_TEN_KEY = "t"  # one key for SUD 10 (the digits give 0-9)
SKIP_KEY = "n"  # "no rating": closes the strip for this set


@dataclass(frozen=True, slots=True)
class RatingDraft:
    set_number: int
    sud: int | None = None
    voc: int | None = None
    note: str = ""
    ask_voc: bool = False

    @property
    def active(self) -> str:
        """The scale the next digit fills: "voc" once a SUD is in and VOC is asked, else "sud"."""
        return "voc" if self.ask_voc and self.sud is not None and self.voc is None else "sud"

    def key(self, character: str) -> RatingDraft | None:
        """The draft after a typed character, or None if it is not a rating key here."""
        character = character.lower()
        if character == SUD_TEN_KEY and self.active == "sud":
            return self.with_sud(SUD_RANGE[1])
        if len(character) != 1 or not character.isdigit():
            return None
        value = int(character)
        if self.active == "voc":
            return self.with_voc(value)
        return self.with_sud(value)

    def with_sud(self, sud: int) -> RatingDraft | None:
        low, high = SUD_RANGE
        return replace(self, sud=sud) if low <= sud <= high else None

    def with_voc(self, voc: int) -> RatingDraft | None:
        low, high = VOC_RANGE
        return replace(self, voc=voc) if low <= voc <= high else None

    def with_note(self, note: str) -> RatingDraft:
        """The note, cut to the length the log keeps (the entry box stops there already)."""
        return replace(self, note=note.strip()[:NOTE_MAX_CHARS])

    def rate(self) -> Rate:
        return Rate(self.set_number, self.sud, self.voc if self.ask_voc else None, self.note)

    @classmethod
    def from_rating(cls, rating: Rating | None, set_number: int, ask_voc: bool) -> RatingDraft:
        if rating is None:
            return cls(set_number, ask_voc=ask_voc)
        return cls(set_number, rating.sud, rating.voc, rating.note, ask_voc)


def trend_points(ratings: Sequence[Rating], box: tuple[int, int, int, int]
                 ) -> list[tuple[int, int]]:
    """(x, y) of each SUD in `box` (left, top, width, height): x by set number from the first
    rated set to the last, y from SUD 0 at the bottom to 10 at the top. Unrated sets are gaps
    in the x axis, not points."""
    rated = [(r.set_number, r.sud) for r in ratings if r.sud is not None]
    if not rated:
        return []
    left, top, width, height = box
    first, last = rated[0][0], rated[-1][0]
    span = max(1, last - first)
    low, high = SUD_RANGE
    points = []
    for set_number, sud in rated:
        x = left + round((set_number - first) / span * width) if last > first \
            else left + width // 2
        y = top + round((high - sud) / (high - low) * height)
        points.append((x, y))
    return points
