"""The profile library: built-in profiles plus the user's own, looked up by name or path.

A user profile with the same name as a built-in replaces it; `extends` names another profile and
may name the built-in it replaces (a user's `standard.toml` can say `extends = "standard"`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bls import paths
from bls.core.profile import Layer, Profile, ProfileError, load_layer, parse

DEFAULT_PROFILE = "standard"
BASE_PROFILE = "base"


def sample_names(sounds_dir: Path | None = None) -> tuple[str, ...]:
    folder = sounds_dir or paths.sounds_dir()
    return tuple(sorted(p.stem for p in folder.glob("*.wav"))) if folder.is_dir() else ()


@dataclass(frozen=True, slots=True)
class Library:
    """Profile files by name, user folder first. Build with `Library.discover()`."""

    folders: tuple[Path, ...]

    @classmethod
    def discover(cls) -> Library:
        return cls((paths.user_profiles_dir(), paths.builtin_profiles_dir()))

    def candidates(self, name: str) -> list[Path]:
        return [folder / f"{name}.toml" for folder in self.folders
                if (folder / f"{name}.toml").is_file()]

    def names(self) -> list[str]:
        """Every profile name, built-ins in their order of use, then the user's; not `base`."""
        order = ["standard", "slow", "fast", "tapping", "share"]
        found = {p.stem for folder in self.folders if folder.is_dir()
                 for p in folder.glob("*.toml")}
        found.discard(BASE_PROFILE)
        return [n for n in order if n in found] + sorted(found - set(order))

    def load(self, name_or_path: str) -> Profile:
        """A profile by name, or by path to a .toml file (for `profiles check` and `-p FILE`)."""
        as_path = Path(name_or_path)
        if name_or_path.endswith(".toml") or as_path.parent != Path("."):
            return self._load_chain(as_path.stem, as_path)
        found = self.candidates(name_or_path)
        if not found:
            known = ", ".join(self.names())
            raise ProfileError(f"profile {name_or_path!r}", None,
                               f"no such profile; allowed: {known} or a path to a .toml file")
        return self._load_chain(name_or_path, found[0])

    def _load_chain(self, key: str, first: Path) -> Profile:
        chain: list[Layer] = []
        seen: list[Path] = []
        path: Path | None = first
        while path is not None:
            resolved = path.resolve()
            if resolved in seen:
                cycle = " -> ".join(p.stem for p in [*seen, resolved])
                raise ProfileError(str(chain[-1].source), "extends", f"makes a cycle: {cycle}")
            seen.append(resolved)
            layer = load_layer(path)
            chain.append(layer)
            parent = layer.data.get("extends", None if path.stem == BASE_PROFILE else BASE_PROFILE)
            if parent is None:
                break
            if not isinstance(parent, str):
                raise ProfileError(layer.source, "extends", f"{parent!r} is not a profile name")
            options = [c for c in self.candidates(parent) if c.resolve() != resolved]
            sibling = path.parent / f"{parent}.toml"
            if not options and sibling.is_file() and sibling.resolve() != resolved:
                options = [sibling]
            if not options:
                known = ", ".join(self.names())
                raise ProfileError(layer.source, "extends",
                                   f"{parent!r} is not a profile; allowed: {known}")
            path = options[0]
        return parse(key, list(reversed(chain)), sample_names())
