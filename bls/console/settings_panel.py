"""The settings panel: one widget per form field, "Save as profile", and the line that says why an
entry was refused. Used by the console window and by the office's overlay between sets.

Rules: every entry goes through `bls.console.form` (the profile table); a refused entry shows
the table's message and puts the widget back to the value in use, so it changes nothing. Speed
becomes SetSpeed (at once); every other field becomes UseProfile (from the next set). A text entry
applies on Enter or when it loses focus. Widgets follow the profile the engine reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UIImage,
    UILabel,
    UIPanel,
    UITextEntryLine,
)
from pygame_gui.windows import UIConfirmationDialog

from bls import paths
from bls.console import form
from bls.console.commands import Command, SaveProfile, SetSpeed, UseProfile
from bls.console.gui import Manager, solid
from bls.console.save import MAX_NAME_LENGTH, SaveError, check_name
from bls.core.profile import Profile, ProfileError

ROW_PX = 31
LABEL_SHARE = 0.46


class SettingsPanel:
    """The form's fields in a column inside `rect` of `manager`'s window."""

    def __init__(self, manager: Manager, rect: pygame.Rect, profile: Profile,
                 sample_names: Sequence[str] = ()) -> None:
        self.manager = manager
        self.rect = rect
        self.sample_names = tuple(sample_names)
        self.profile = profile
        self.panel = UIPanel(rect, manager=manager)
        inner = self.panel.get_container().get_rect().width
        self._label_w = round(inner * LABEL_SHARE)
        self._widget_w = inner - self._label_w - 22
        UILabel(pygame.Rect(10, 6, inner - 20, 26), "Settings (speed at once, the rest next set)",
                manager, container=self.panel, object_id="#section")
        self._entries: dict[str, UITextEntryLine] = {}
        self._menus: dict[str, UIDropDownMenu] = {}
        self._swatches: dict[str, UIImage] = {}
        self._row_y: dict[str, int] = {}
        y = 38
        for entry in form.FIELDS:
            self._row_y[entry.name] = y
            unit = f" ({entry.unit})" if entry.unit and entry.section != "set" else ""
            UILabel(pygame.Rect(10, y, self._label_w, ROW_PX - 3), f"{entry.label}{unit}",
                    manager, container=self.panel)
            if entry.kind == "choice":
                self._menus[entry.name] = self._make_menu(entry.name)
            else:
                self._entries[entry.name] = self._make_entry(entry.name)
            y += ROW_PX
        self.message = UILabel(pygame.Rect(10, y + 4, inner - 20, 26), "", manager,
                               container=self.panel, object_id="#error")
        y += 36
        self.name_entry = UITextEntryLine(pygame.Rect(10, y, self._label_w + 40, 30), manager,
                                          container=self.panel,
                                          placeholder_text="name for a new profile")
        self.name_entry.set_text_length_limit(MAX_NAME_LENGTH)
        self.save_button = UIButton(pygame.Rect(self._label_w + 56, y, inner - self._label_w - 66,
                                                30), "Save as profile…", manager,
                                    container=self.panel)
        self._confirm: UIConfirmationDialog | None = None
        self._pending_save = ""
        self._focused: str | None = None
        self.bottom = rect.top + y + 40

    # --- building ----------------------------------------------------------------------------

    def _widget_rect(self, name: str, width: int | None = None) -> pygame.Rect:
        return pygame.Rect(self._label_w + 16, self._row_y[name], width or self._widget_w,
                           ROW_PX - 3)

    def _make_menu(self, name: str) -> UIDropDownMenu:
        options = list(form.choices(name, self.profile, self.sample_names))
        current = form.text_of(self.profile, name)
        if current not in options:
            options.append(current)
        return UIDropDownMenu(options, current, self._widget_rect(name), self.manager,
                              container=self.panel, expansion_height_limit=220)

    def _make_entry(self, name: str) -> UITextEntryLine:
        is_color = form.field(name).kind == "color"
        width = self._widget_w - (ROW_PX + 4) if is_color else self._widget_w
        entry = UITextEntryLine(self._widget_rect(name, width), self.manager,
                                container=self.panel, initial_text=form.text_of(self.profile, name))
        if is_color:
            rect = pygame.Rect(self._label_w + 16 + width + 4, self._row_y[name], ROW_PX - 3,
                               ROW_PX - 3)
            color = form.value_of(self.profile, name)
            self._swatches[name] = UIImage(rect, solid(rect.size, color), self.manager,
                                           container=self.panel)
        return entry

    # --- following the engine ----------------------------------------------------------------

    def show_profile(self, profile: Profile) -> None:
        """Make every widget show `profile` (the one the next set uses), except the entry being
        typed in."""
        if profile == self.profile:
            return
        self.profile = profile
        for name, entry in self._entries.items():
            text = form.text_of(profile, name)
            if not entry.is_focused and entry.get_text() != text:
                entry.set_text(text)
            if name in self._swatches:
                swatch = self._swatches[name]
                swatch.set_image(solid(swatch.rect.size, form.value_of(profile, name)))
        for name, menu in list(self._menus.items()):
            if _selected(menu) != form.text_of(profile, name):
                menu.kill()
                self._menus[name] = self._make_menu(name)

    def say(self, text: str, ok: bool = False) -> None:
        """Show one line under the fields (a refusal in red, a confirmation in green)."""
        self.message.change_object_id("#ok" if ok else "#error")
        self.message.set_text(text)

    @property
    def typing(self) -> bool:
        """A text box has the keyboard: keys are text, not commands."""
        return any(entry.is_focused for entry in (*self._entries.values(), self.name_entry))

    @property
    def expanded(self) -> bool:
        return any(menu.current_state is menu.menu_states["expanded"]
                   for menu in self._menus.values()) or self._confirm is not None

    # --- input -------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> list[Command]:
        """Commands for one pygame-gui event of this panel ([] for anything else)."""
        commands: list[Command] = []
        commands += self._focus_moved()
        element = getattr(event, "ui_element", None)
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            for name, entry in self._entries.items():
                if element is entry:
                    commands += self._apply(name, entry.get_text())
            if element is self.name_entry:
                commands += self._ask_to_save()
                # Enter is done typing: the keyboard goes back to the session (Space starts).
                self.manager.set_focus_set(None)
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            for name, menu in self._menus.items():
                if element is menu:
                    commands += self._apply(name, event.text)
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.save_button:
            commands += self._ask_to_save()
        elif event.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED \
                and element is self._confirm:
            self._confirm = None
            commands.append(SaveProfile(self._pending_save, overwrite=True))
        elif event.type == pygame_gui.UI_WINDOW_CLOSE and element is self._confirm:
            self._confirm = None
            self.say("not saved")
        return commands

    def _focus_moved(self) -> list[Command]:
        """Apply the entry that just lost the keyboard (a click elsewhere finishes typing)."""
        focused = next((name for name, entry in self._entries.items() if entry.is_focused), None)
        commands: list[Command] = []
        if self._focused is not None and focused != self._focused:
            entry = self._entries[self._focused]
            if entry.get_text() != form.text_of(self.profile, self._focused):
                commands = self._apply(self._focused, entry.get_text())
        self._focused = focused
        return commands

    def _apply(self, name: str, text: str) -> list[Command]:
        if text == form.text_of(self.profile, name):
            return []
        label = form.field(name).label
        try:
            changed = form.apply(self.profile, name, text, self.sample_names)
        except ProfileError as error:
            self.say(f"{label}: {error.message}")
            self._put_back(name)
            return []
        self.say("")
        if name in self._entries:  # done typing: show the value as the profile holds it
            entry = self._entries[name]
            self.manager.set_focus_set(None)  # not entry.unfocus(): the manager must know
            entry.set_text(form.text_of(changed, name))
            self._focused = None
        if name == "motion.speed":
            return [SetSpeed(changed.motion.speed_hz)]
        self.show_profile(changed)
        return [UseProfile(changed)]

    def _put_back(self, name: str) -> None:
        if name in self._entries:
            self._entries[name].set_text(form.text_of(self.profile, name))
        elif name in self._menus:
            self._menus[name].kill()
            self._menus[name] = self._make_menu(name)

    def _ask_to_save(self) -> list[Command]:
        name = self.name_entry.get_text()
        try:
            key = check_name(name)
        except SaveError as error:
            self.say(f"Save: {error}")
            return []
        if (paths.user_profiles_dir() / f"{key}.toml").exists():
            self._pending_save = name
            width, height = self.manager.window_resolution
            rect = pygame.Rect(0, 0, 420, 200)
            rect.center = (width // 2, height // 2)
            self._confirm = UIConfirmationDialog(
                rect, f"You have a profile called '{key}'. Replace it with these settings?",
                self.manager, window_title="Replace profile?", action_short_name="Replace")
            return []
        return [SaveProfile(name, overwrite=False)]


def _selected(menu: UIDropDownMenu) -> str:
    option = menu.selected_option
    return option[0] if isinstance(option, tuple) else str(option)

