"""The console's "Client link" block (`bls run --link`): the link as text to select or copy, a QR
code of it for a phone, and the client's status in words.

Rules: the block only shows what the snapshot says (`show`); it never asks the server itself. The
link is text the therapist can select but not change (an edit is undone at once); "Copy link"
puts it on the clipboard. The block lives in the console, never in a window the client sees: the
link holds the session's token.
"""

from __future__ import annotations

import textwrap

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIImage, UILabel, UITextEntryLine

from bls.console.gui import Manager, solid
from bls.console.qr import qr_surface
from bls.link.status import DISCONNECTED, READY, LinkStatus, status_words

STATUS_LINES = 3
STATUS_CHARS = 48  # per line: the words wrap to the column at the console's font size
QR_MAX_PX = 300
STARTING = "starting the client link..."


class LinkBlock:
    """The link block in `rect` of the console window."""

    def __init__(self, manager: Manager, rect: pygame.Rect) -> None:
        self.rect = rect
        x, y, width = rect.x, rect.y, rect.width
        self.url = ""
        self.status: LinkStatus | None = None
        self.title = UILabel(pygame.Rect(x, y, width, 30), "Client link", manager,
                             object_id="#hud_title")
        y += 34
        self.status_lines = [UILabel(pygame.Rect(x, y + 21 * i, width, 21), "", manager)
                             for i in range(STATUS_LINES)]
        y += 21 * STATUS_LINES + 8
        side = min(width, QR_MAX_PX)
        self.qr_rect = pygame.Rect(x, y, side, side)
        self.qr = UIImage(self.qr_rect, solid((side, side), (35, 38, 43)), manager)
        y += side + 10
        self.entry = UITextEntryLine(pygame.Rect(x, y, width, 30), manager)
        y += 36
        self.copy = UIButton(pygame.Rect(x, y, 130, 32), "Copy link", manager)
        self.copied = UILabel(pygame.Rect(x + 140, y, width - 140, 32), "", manager,
                              object_id="#quiet")
        y += 40
        self.help = [UILabel(pygame.Rect(x, y + 20 * i, width, 20), line, manager,
                             object_id="#quiet")
                     for i, line in enumerate(textwrap.wrap(
                         "Send it to the client only: whoever has it can join this session "
                         "until bls quits. Keep this window out of a screen share.", 52))]
        self._show_status(None)

    @property
    def typing(self) -> bool:
        """The link's text has the keyboard (keys select and copy there, not start a set)."""
        return self.entry.is_focused

    def show(self, url: str, status: LinkStatus | None) -> None:
        """Show the link and the client's status (cheap when neither changed)."""
        if url != self.url:
            self.url = url
            self.entry.set_text(url)
            if url:
                picture = qr_surface(url, self.qr_rect.width)
                self.qr.set_dimensions(picture.get_size())
                self.qr.set_image(picture)
        if status != self.status:
            self._show_status(status)

    def _show_status(self, status: LinkStatus | None) -> None:
        self.status = status
        words = status_words(status) if status is not None and self.url else STARTING
        # "client connected: waiting for..." reads best as a line for who, then what now.
        head, colon, rest = words.partition(": ")
        wrapped = [head + colon.rstrip(), *textwrap.wrap(rest, STATUS_CHARS)] if colon \
            else textwrap.wrap(words, STATUS_CHARS)
        lines = [*wrapped, *[""] * STATUS_LINES][:STATUS_LINES]
        kind = "#ok" if words == READY else "#error" if words == DISCONNECTED else None
        for label, line in zip(self.status_lines, lines, strict=True):
            label.change_object_id(kind)
            label.set_text(line)

    def words(self) -> str:
        """What the status lines say, as one line."""
        return " ".join(label.text for label in self.status_lines if label.text)

    def handle(self, event: pygame.event.Event) -> bool:
        """Whether the event was the block's (Copy link pressed, or an edit of the link undone)."""
        element = getattr(event, "ui_element", None)
        if event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.copy:
            self.copied.set_text(_copy(self.url))
            return True
        if event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED) \
                and element is self.entry:
            if self.entry.get_text() != self.url:
                self.entry.set_text(self.url)
            return True
        return False


def _copy(text: str) -> str:
    """Put `text` on the clipboard; what happened, in a few words."""
    if not text:
        return ""
    try:
        pygame.scrap.put_text(text)
    except pygame.error as error:  # no clipboard on this display: the text can still be read
        return f"not copied: {error}"
    return "copied"
