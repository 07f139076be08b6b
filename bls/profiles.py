"""The profile library: built-in profiles plus the user's own, looked up by name or path.

A user profile with the same name as a built-in replaces it; `extends` names another profile and
may name the built-in it replaces (a user's `standard.toml` can say `extends = "standard"`).
Only regular files are profiles: a folder, a dangling link or a link loop named `*.toml` in a
profile folder is skipped and listed by `skipped()`, so one odd entry never breaks every lookup.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from bls import paths
from bls.core.profile import Layer, Profile, ProfileError, parse
from bls.tomlfile import TomlFileError, read_toml

DEFAULT_PROFILE = "standard"
BASE_PROFILE = "base"
BUILTIN_ORDER = ("standard", "slow", "fast", "tapping", "share")


def sample_names(sounds_dir: Path | None = None) -> tuple[str, ...]:
    folder = sounds_dir or paths.sounds_dir()
    return tuple(sorted(p.stem for p in folder.glob("*.wav"))) if folder.is_dir() else ()


def load_layer(path: Path) -> Layer:
    """Read one TOML file. Anything that keeps it from being read (missing, a folder, a link
    loop, not UTF-8, too deep, too large, not TOML) is a ProfileError naming the file."""
    try:
        data = read_toml(path)
    except TomlFileError as error:
        raise ProfileError(str(path), None, error.reason) from None
    return Layer(str(path), data)


def _real(path: Path) -> Path:
    """The path with links resolved; never raises (a loop stays as it is)."""
    return Path(os.path.realpath(path))


def _is_profile_file(path: Path) -> bool:
    try:
        return path.is_file()  # follows links; False for folders, dangling links and loops
    except OSError:
        return False


def _why_not_a_file(path: Path) -> str:
    try:
        if path.is_symlink():
            try:
                path.stat()
            except OSError as error:
                return ("is a link that loops" if error.errno == errno.ELOOP
                        else "is a link to a file that does not exist")
            return "is a link to something that is not a file"
        if path.is_dir():
            return "is a folder, not a profile file"
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    return "is not a regular file"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry in a profile folder that is not a profile file, and why."""

    path: Path
    reason: str

    def note(self) -> str:
        return f"note: {self.path}: {self.reason}; skipped"


@dataclass(frozen=True, slots=True)
class Library:
    """Profile files by name, user folder first. Build with `Library.discover()`."""

    folders: tuple[Path, ...]

    @classmethod
    def discover(cls) -> Library:
        return cls((paths.user_profiles_dir(), paths.builtin_profiles_dir()))

    def candidates(self, name: str) -> list[Path]:
        return [folder / f"{name}.toml" for folder in self.folders
                if _is_profile_file(folder / f"{name}.toml")]

    def _entries(self) -> list[Path]:
        found: list[Path] = []
        for folder in self.folders:
            try:
                found += sorted(folder.glob("*.toml")) if folder.is_dir() else []
            except OSError:  # an unreadable folder: its profiles cannot be listed
                continue
        return found

    def names(self) -> list[str]:
        """Every profile name, built-ins in their order of use, then the user's; not `base`."""
        found = {p.stem for p in self._entries() if _is_profile_file(p)}
        found.discard(BASE_PROFILE)
        return [n for n in BUILTIN_ORDER if n in found] + sorted(found - set(BUILTIN_ORDER))

    def skipped(self) -> list[Skipped]:
        """Entries named *.toml in the profile folders that are not files, and why."""
        skipped = []
        for path in self._entries():
            if _is_profile_file(path):
                continue
            skipped.append(Skipped(path, _why_not_a_file(path)))
        return skipped

    def load(self, name_or_path: str) -> Profile:
        """A profile by name, or by path to a .toml file (for `profiles check` and `-p FILE`)."""
        as_path = Path(name_or_path)
        if name_or_path.endswith(".toml") or as_path.parent != Path("."):
            return self.load_file(as_path)
        found = self.candidates(name_or_path)
        if not found:
            for skipped in self.skipped():
                if skipped.path.stem == name_or_path:
                    raise ProfileError(str(skipped.path), None, skipped.reason)
            known = ", ".join(self.names())
            raise ProfileError(f"profile {name_or_path!r}", None,
                               f"no such profile; allowed: {known} or a path to a .toml file")
        return self._load_chain(name_or_path, found[0])

    def load_file(self, path: Path) -> Profile:
        """The profile in the file at `path` (whatever its name)."""
        return self._load_chain(path.stem, path)

    def _load_chain(self, key: str, first: Path) -> Profile:
        chain: list[Layer] = []
        seen: list[Path] = []
        path: Path | None = first
        while path is not None:
            layer = load_layer(path)  # first: a file that cannot be read is said so plainly
            resolved = _real(path)
            if resolved in seen:
                cycle = " -> ".join(p.stem for p in [*seen, resolved])
                raise ProfileError(str(chain[-1].source), "extends", f"makes a cycle: {cycle}")
            seen.append(resolved)
            chain.append(layer)
            parent = layer.data.get("extends", None if path.stem == BASE_PROFILE else BASE_PROFILE)
            if parent is None:
                break
            if not isinstance(parent, str):
                raise ProfileError(layer.source, "extends", f"{parent!r} is not a profile name")
            path = self._parent_file(layer, parent, path, resolved)
        return parse(key, list(reversed(chain)), sample_names())

    def _parent_file(self, layer: Layer, parent: str, path: Path, resolved: Path) -> Path:
        """The file `extends = parent` means, seen from the profile at `path`."""
        candidates = self.candidates(parent)
        options = [c for c in candidates if _real(c) != resolved]
        sibling = path.parent / f"{parent}.toml"
        if not options and _is_profile_file(sibling) and _real(sibling) != resolved:
            options = [sibling]
        if options:
            return options[0]
        if parent == path.stem or any(_real(c) == resolved for c in candidates):
            raise ProfileError(layer.source, "extends",
                               f"{parent!r} is this profile itself; a profile extends another "
                               f"one (default {BASE_PROFILE!r})")
        known = ", ".join(self.names())
        raise ProfileError(layer.source, "extends",
                           f"{parent!r} is not a profile; allowed: {known}")
