"""The therapist's console: a window of its own with the HUD, the controls, the settings panel,
and between sets the rating strip (SUD, VOC, note) with the SUD trend of this session.

Rules: the console runs no loop. The engine passes it every event (`owns` says which are its own;
`handle` turns those into Commands), gives it a snapshot when anything it shows changed (`show`),
and calls `draw` once per loop turn, best right after the client view's frame is presented: the
console redraws only when something changed, at most 30 times a second while the therapist uses
it and 10 times a second during a set, so the client view keeps its frame time.
The rating strip never blocks: Space still starts the next set, and skipping is one key (N).
With the client link, a column on the right shows the link, its QR code and the client's status
(`bls.console.link_block`).
"""

from __future__ import annotations

from dataclasses import replace

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UICheckBox,
    UIImage,
    UILabel,
    UIPanel,
    UISelectionList,
    UITextEntryLine,
)

from bls.clock import Clock
from bls.console.commands import (
    ChooseProfile,
    Command,
    ConsoleSnapshot,
    ExportCsv,
    Key,
    LrCheck,
    Quit,
    Rate,
    Speed,
    Toggle,
)
from bls.console.gui import BACKGROUND, MAX_DRAW_HZ, Manager, RedrawPace
from bls.console.link_block import LinkBlock
from bls.console.rating import SKIP_KEY, RatingDraft, trend_points
from bls.console.settings_panel import SettingsPanel
from bls.core.session import SPEED_STEP_HZ
from bls.live.controls import Kind, action_for
from bls.log.records import NOTE_MAX_CHARS, SUD_RANGE, VOC_RANGE

TITLE = "bls console - do not share"
SIZE_PX = (1000, 680)  # wide: on a screen of its own (fits 1280x720)
NARROW_SIZE_PX = (560, 900)  # beside share mode's 1280x720 client window on a 1920x1080 screen
LINK_COLUMN_PX = 380  # the client link's column, right of the narrow console
LINK_SIZE_PX = (NARROW_SIZE_PX[0] + LINK_COLUMN_PX, NARROW_SIZE_PX[1])
# During a set the client view's frames come first: a console redraw costs about 4 ms (bench/
# console_cost.py), so it redraws at most 10 times a second then, right after a frame is shown.
MAX_DRAW_HZ_IN_SET = 10.0
WIDE_MIN_PX = 960  # from this width the settings sit beside the session parts
HUD_LINES = 6  # below the title line
EXPORT_W = 120  # the Export CSV button, beside the SUD chart
_KEY_COMMANDS: dict[Kind | None, Command] = {
    Kind.TOGGLE: Toggle(), Kind.LR_CHECK: LrCheck(), Kind.QUIT: Quit()}
_INPUT_EVENTS = {pygame.KEYDOWN, pygame.KEYUP, pygame.TEXTINPUT, pygame.TEXTEDITING,
                 pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION,
                 pygame.MOUSEWHEEL}


class Console:
    """The console in `window`. Build it once the window exists; it draws nothing until `show`."""

    def __init__(self, window: pygame.Window, snapshot: ConsoleSnapshot, *,
                 sample_names: tuple[str, ...] = (), clock: Clock | None = None,
                 link: bool = False) -> None:
        self.window = window
        self.clock = clock or Clock()
        # pygame-gui converts its images to the display format; with no set_mode() window, SDL
        # takes that format from the first window surface asked for.
        window.get_surface()
        self.manager = Manager(window.size)
        self.snapshot = snapshot
        self.ask_voc = False
        self._showing_settings = False
        self._skipped: set[int] = set()
        self._draft: RatingDraft | None = None
        self.pace = RedrawPace(self.clock)
        self.link: LinkBlock | None = None
        self._build(sample_names, link)
        self._follow(snapshot)

    # --- layout ------------------------------------------------------------------------------

    def _build(self, sample_names: tuple[str, ...], link: bool) -> None:
        """Two columns when the window is wide (the two-screen office), else one column with a
        Session / Settings switch (share mode, beside the client window); with `link`, the
        client link's column on the right, always in view."""
        m = self.manager
        width, height = self.window.size
        if link:
            width -= LINK_COLUMN_PX
            self.link = LinkBlock(m, pygame.Rect(width, 8, LINK_COLUMN_PX - 16, height - 16))
        self.wide = width >= WIDE_MIN_PX
        left_w = 460 if self.wide else width - 32
        x = 16
        self.title = UILabel(pygame.Rect(x, 8, left_w, 30), "", m, object_id="#hud_title")
        self.hud = [UILabel(pygame.Rect(x, 38 + 21 * i, left_w, 21), "", m, object_id="#quiet")
                    for i in range(HUD_LINES)]
        y = 38 + 21 * HUD_LINES + 6
        third = (left_w - 20) // 3
        self.toggle = UIButton(pygame.Rect(x, y, third, 36), "Start (Space)", m)
        self.slower = UIButton(pygame.Rect(x + third + 10, y, third, 36), "Slower (Down)", m)
        self.faster = UIButton(pygame.Rect(x + 2 * (third + 10), y, third, 36), "Faster (Up)", m)
        y += 44
        self.lr_check = UIButton(pygame.Rect(x, y, third, 34), "L/R check (L)", m)
        self.quit = UIButton(pygame.Rect(x + 2 * (third + 10), y, third, 34), "Quit (Esc)", m)
        self.tabs: tuple[UIButton, UIButton] | None = None
        if not self.wide:
            self.tabs = (UIButton(pygame.Rect(x + third + 10, y, third, 34), "Settings", m),
                         UIButton(pygame.Rect(x + third + 10, y, third, 34), "Session", m))
            self.tabs[1].hide()
        y += 42
        session_top = y
        self.profiles_label = UILabel(pygame.Rect(x, y, left_w, 22), "Profiles", m,
                                      object_id="#section")
        self.profiles = UISelectionList(pygame.Rect(x, y + 24, left_w, 112),
                                        list(self.snapshot.profile_names), m,
                                        default_selection=self._profile_item())
        y += 24 + 112 + 10
        self._build_rating_strip(pygame.Rect(x, y, left_w, 178))
        y += 178 + 8
        chart_h = max(60, min(160, height - y - 12))
        self.chart_rect = pygame.Rect(x, y, left_w - EXPORT_W - 10, chart_h)
        self.chart = UIImage(self.chart_rect, self._chart_surface(), m)
        # The session's record leaves the machine only when the therapist asks: one click
        # writes this session's CSV into the Documents folder (the notice says where).
        self.export = UIButton(pygame.Rect(x + left_w - EXPORT_W, y, EXPORT_W, 34),
                               "Export CSV", m,
                               tool_tip_text="this session as a file in Documents")
        if self.wide:
            settings_rect = pygame.Rect(x + left_w + 20, 8, width - left_w - 52, height - 16)
        else:
            settings_rect = pygame.Rect(x, session_top, left_w, height - session_top - 8)
        self.settings = SettingsPanel(m, settings_rect, self.snapshot.profile, sample_names)
        self._session_parts = (self.profiles_label, self.profiles, self.chart, self.export)
        if not self.wide:
            self.settings.panel.hide()

    def _show_settings(self, settings: bool) -> None:
        """Narrow console: the settings panel or the session parts (profiles, rating, chart)."""
        if self.tabs is None:
            return
        to_settings, to_session = self.tabs
        for part in self._session_parts:
            part.hide() if settings else part.show()
        (self.settings.panel.show if settings else self.settings.panel.hide)()
        (to_settings.hide if settings else to_settings.show)()
        (to_session.show if settings else to_session.hide)()
        self._showing_settings = settings
        self._follow_strip(self.snapshot)

    def _build_rating_strip(self, rect: pygame.Rect) -> None:
        m = self.manager
        self.strip = UIPanel(rect, manager=m)
        inner = rect.width - 8
        self.strip_title = UILabel(pygame.Rect(8, 4, inner - 16, 24), "", m,
                                   container=self.strip, object_id="#section")
        sud_low, sud_high = SUD_RANGE
        count = sud_high - sud_low + 1
        each = (inner - 16 - 3 * (count - 1)) // count
        self.sud_buttons = [
            UIButton(pygame.Rect(8 + i * (each + 3), 30, each, 32),
                     str(value) if value < 10 else "10 T", m, container=self.strip)
            for i, value in enumerate(range(sud_low, sud_high + 1))
        ]
        self.voc_box = UICheckBox(pygame.Rect(10, 72, 20, 20), "ask VOC", m,
                                  container=self.strip)
        voc_low, voc_high = VOC_RANGE
        self.voc_buttons = [
            UIButton(pygame.Rect(110 + i * 36, 68, 33, 30), str(value), m,
                     container=self.strip)
            for i, value in enumerate(range(voc_low, voc_high + 1))
        ]
        self.note = UITextEntryLine(pygame.Rect(8, 106, inner - 120, 30), m,
                                    container=self.strip,
                                    placeholder_text=f"note (optional, {NOTE_MAX_CHARS} max)")
        self.note.set_text_length_limit(NOTE_MAX_CHARS)
        self.skip = UIButton(pygame.Rect(inner - 104, 106, 96, 30), "Skip (N)", m,
                             container=self.strip)
        self.strip_status = UILabel(pygame.Rect(8, 140, inner - 16, 24), "", m,
                                    container=self.strip, object_id="#quiet")

    # --- the engine's side -------------------------------------------------------------------

    def show(self, snapshot: ConsoleSnapshot) -> None:
        """Show what the engine reports now (cheap when nothing changed)."""
        if snapshot == self.snapshot:
            return
        self._follow(snapshot)

    def _follow(self, snapshot: ConsoleSnapshot) -> None:
        old = self.snapshot
        self.snapshot = snapshot
        self.pace.dirty = True
        profile = snapshot.profile
        lines = [*snapshot.hud, snapshot.log_status] if snapshot.hud else [
            f"{profile.name}  {snapshot.speed_hz:.2f} Hz", snapshot.log_status]
        self.title.set_text(lines[0])
        rest = [*lines[1:], *[""] * HUD_LINES][:HUD_LINES]
        for label, line in zip(self.hud, rest, strict=True):
            if label.text != line:
                label.set_text(line)
        self.toggle.set_text("Stop (Space)" if snapshot.running else "Start (Space)")
        if snapshot.profile_names != old.profile_names:
            self.profiles.set_item_list(list(snapshot.profile_names))
        self.settings.show_profile(profile)
        if self.link is not None:
            self.link.show(snapshot.link_url, snapshot.link_status)
        if snapshot.notice and snapshot.notice != old.notice:
            self.settings.say(snapshot.notice, ok=not snapshot.notice.startswith("not "))
        if snapshot.ratings != old.ratings or self.chart.image is None:
            self.chart.set_image(self._chart_surface())
        if not self.wide and snapshot.rest_after_set not in (None, old.rest_after_set):
            self._show_settings(False)  # a set just ended: the rating strip comes first
        self._follow_strip(snapshot)

    def _profile_item(self) -> str | None:
        key = self.snapshot.profile.key
        return key if key in self.snapshot.profile_names else None

    def _follow_strip(self, snapshot: ConsoleSnapshot) -> None:
        ended = snapshot.rest_after_set
        if ended is None or snapshot.running or ended in self._skipped \
                or self._showing_settings:
            self._draft = None
            self.strip.hide()
            return
        if self._draft is None or self._draft.set_number != ended:
            self._draft = RatingDraft.from_rating(snapshot.rating_of(ended), ended, self.ask_voc)
            self.note.set_text(self._draft.note)
        self.strip.show()
        self._show_draft()

    def _show_draft(self) -> None:
        draft = self._draft
        if draft is None:
            return
        asking = "VOC (1-7)" if draft.active == "voc" else "SUD (0-9, T = 10)"
        self.strip_title.set_text(f"Set {draft.set_number} ended: {asking}")
        for value, button in enumerate(self.sud_buttons, start=SUD_RANGE[0]):
            button.change_object_id("#rate_chosen" if value == draft.sud else None)
        for value, button in enumerate(self.voc_buttons, start=VOC_RANGE[0]):
            button.change_object_id("#rate_chosen" if value == draft.voc else None)
            button.enable() if draft.ask_voc else button.disable()
        parts = [f"SUD {draft.sud}" if draft.sud is not None else "no SUD yet"]
        if draft.ask_voc:
            parts.append(f"VOC {draft.voc}" if draft.voc is not None else "no VOC yet")
        if draft.note:
            parts.append("note kept")
        self.strip_status.set_text("; ".join(parts) + "   (Space starts the next set)")
        self.pace.dirty = True

    def _chart_surface(self) -> pygame.Surface:
        width, height = self.chart_rect.size
        surface = pygame.Surface((width, height))
        surface.fill((35, 38, 43))
        font = pygame.font.Font(None, 18)
        surface.blit(font.render("SUD by set", True, (170, 178, 188)), (6, 4))
        plot = (34, 22, width - 48, height - 34)
        left, top, plot_w, plot_h = plot
        for sud in (0, 5, 10):
            y = top + round((10 - sud) / 10 * plot_h)
            pygame.draw.line(surface, (60, 66, 74), (left, y), (left + plot_w, y))
            surface.blit(font.render(str(sud), True, (130, 138, 148)), (8, y - 6))
        points = trend_points(self.snapshot.ratings, plot)
        if len(points) >= 2:
            pygame.draw.lines(surface, (120, 190, 255), False, points, 2)
        rated = [r for r in self.snapshot.ratings if r.sud is not None]
        for (px, py), rating in zip(points, rated, strict=True):
            pygame.draw.circle(surface, (255, 215, 90), (px, py), 4)
            label = font.render(str(rating.set_number), True, (130, 138, 148))
            surface.blit(label, (px - label.get_width() // 2, top + plot_h + 2))
        if not points:
            surface.blit(font.render("no SUD yet this session", True, (110, 118, 128)),
                         (left + 10, top + plot_h // 2 - 6))
        return surface

    # --- input -------------------------------------------------------------------------------

    def owns(self, event: pygame.event.Event) -> bool:
        """Whether the event is the console's: input in its window, or one of its widgets'."""
        if getattr(event, "window", None) is self.window:
            return True
        element = getattr(event, "ui_element", None)
        return element is not None and getattr(element, "ui_manager", None) is self.manager

    def handle(self, event: pygame.event.Event) -> list[Command]:
        """The commands one of the console's events asks for ([] for events not its own)."""
        if not self.owns(event):
            return []
        if event.type in _INPUT_EVENTS:
            self.pace.touched()
        if event.type == pygame.MOUSEMOTION:
            self.manager.pointer_at(event.pos)
        elif event.type == pygame.WINDOWLEAVE:
            self.manager.pointer_at(None)
            self.pace.dirty = True
        elif event.type in (pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN, pygame.WINDOWRESTORED):
            self.pace.dirty = True
        if event.type in (pygame.QUIT, pygame.WINDOWCLOSE):
            return [Quit()]
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return [Quit()]  # Esc quits at once, even while typing (a safety rule)
        if event.type == pygame.KEYDOWN and not self._typing():
            return self._key(event)
        if event.type == pygame.TEXTINPUT and not self._typing():
            return []  # the text of a key handled as a command above
        # Key releases always reach the widgets: a text entry waits for Enter's release before
        # it takes the next Enter.
        self.manager.process_events(event)
        return self._widget_event(event) + self.settings.handle(event)

    def rating_key(self, event: pygame.event.Event) -> list[Command] | None:
        """While the rating strip is open, a rating key (a digit, T, N) from any window rates or
        skips; None for every other key, or when no rating is asked for."""
        if self._draft is None or event.type != pygame.KEYDOWN:
            return None
        character = getattr(event, "unicode", "")
        if character.lower() == SKIP_KEY:
            return self._skip()
        changed = self._draft.key(character)
        if changed is not None:
            return self._rate(changed)
        if character.isdigit():
            return []  # a digit the scale does not hold: not a profile key while rating
        return None

    def pointer_inside(self) -> bool:
        return self.manager.pointer_inside

    def _typing(self) -> bool:
        return self.settings.typing or self.note.is_focused or (
            self.link is not None and self.link.typing)

    def _key(self, event: pygame.event.Event) -> list[Command]:
        """A rating key while the strip asks, else the office's key map (bls.live.controls):
        the session's own commands by name, every other key for the engine as it is."""
        rating = self.rating_key(event)
        if rating is not None:
            return rating
        action = action_for(event)
        kind = action.kind if action is not None else None
        if action is not None and kind is Kind.SPEED:
            return [Speed(action.amount)]
        command = _KEY_COMMANDS.get(kind)
        return [command] if command is not None else [Key(event)]

    def _widget_event(self, event: pygame.event.Event) -> list[Command]:
        element = getattr(event, "ui_element", None)
        if self.link is not None and self.link.handle(event):
            return []
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if element is self.toggle:
                return [Toggle()]
            if element is self.slower:
                return [Speed(-SPEED_STEP_HZ)]
            if element is self.faster:
                return [Speed(+SPEED_STEP_HZ)]
            if element is self.lr_check:
                return [LrCheck()]
            if element is self.export:
                return [ExportCsv()]
            if element is self.quit:
                return [Quit()]
            if element is self.skip:
                return self._skip()
            if self.tabs is not None and element in self.tabs:
                self._show_settings(element is self.tabs[0])
                return []
            if self._draft is not None:
                for value, button in enumerate(self.sud_buttons, start=SUD_RANGE[0]):
                    if element is button:
                        return self._rate(self._draft.with_sud(value))
                for value, button in enumerate(self.voc_buttons, start=VOC_RANGE[0]):
                    if element is button:
                        return self._rate(self._draft.with_voc(value))
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and element is self.profiles:
            return [ChooseProfile(str(event.text))]
        if event.type in (pygame_gui.UI_CHECK_BOX_CHECKED, pygame_gui.UI_CHECK_BOX_UNCHECKED) \
                and element is self.voc_box:
            self.ask_voc = event.type == pygame_gui.UI_CHECK_BOX_CHECKED
            if self._draft is not None:
                self._draft = replace(self._draft, ask_voc=self.ask_voc)
                self._show_draft()
            return []
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and element is self.note \
                and self._draft is not None:
            self.manager.set_focus_set(None)  # through the manager, so a click focuses it again
            return self._rate(self._draft.with_note(self.note.get_text()))
        return []

    def _rate(self, draft: RatingDraft | None) -> list[Command]:
        if draft is None:
            return []
        self._draft = draft
        self._show_draft()
        if draft.sud is None and draft.voc is None and not draft.note:
            return []
        rate: Rate = draft.rate()
        return [rate]

    def _skip(self) -> list[Command]:
        if self._draft is not None:
            self._skipped.add(self._draft.set_number)
            self._draft = None
            self.strip.hide()
            self.pace.dirty = True
        return []

    # --- drawing -----------------------------------------------------------------------------

    def draw(self) -> bool:
        """Redraw the window if something changed, at most MAX_DRAW_HZ while the therapist uses
        it. Returns whether it drew."""
        elapsed = self.pace.due(self._typing() or self.settings.expanded,
                                MAX_DRAW_HZ_IN_SET if self.snapshot.running else MAX_DRAW_HZ)
        if elapsed is None:
            return False
        self.manager.update(elapsed)
        surface = self.window.get_surface()
        surface.fill(BACKGROUND)
        self.manager.draw_ui(surface)
        self.window.flip()
        return True
