"""`bls profiles`: list the profiles, show one, check a file, or print the table of keys.

Shell code over `bls.profiles.Library`; a broken profile is one line on stderr (exit 2), and the
list goes on with the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bls.core.colors import hex_color
from bls.core.profile import Profile, ProfileError, reference_rows
from bls.options import UsageError
from bls.profiles import Library

EXIT_OK, EXIT_USAGE = 0, 2


def profiles_command(action: str, target: str | None) -> int:
    """`bls profiles ACTION [TARGET]`: list, keys, check FILE or show NAME."""
    library = Library.discover()
    if action == "list":
        return _list_profiles(library)
    if action == "keys":
        for key, allowed, _unit, doc in reference_rows():
            print(f"{key:18} {allowed:48} {doc}")
        return EXIT_OK
    if not target:
        raise UsageError(f"bls profiles {action}: needs a profile "
                         f"{'file' if action == 'check' else 'name'}")
    if action == "check":
        profile = library.load_file(Path(target))
        print(f"{target}: ok ({profile.name}, {profile.motion.speed_hz:g} Hz, "
              f"{profile.length.describe()})")
        return EXIT_OK
    profile = library.load(target)
    print(format_profile(profile))
    return EXIT_OK


def _list_profiles(library: Library) -> int:
    """The table of profiles; entries that are not files, and profiles that do not load, are
    one line each on stderr (exit 2 if a profile is broken), and the others are still listed."""
    for skipped in library.skipped():
        sys.stderr.write(f"bls: {skipped.note()}\n")
    print(f"{'':2}{'profile':10} {'speed':>7} {'passes/min':>10}  {'set':>10}  description")
    code = EXIT_OK
    for number, name in enumerate(library.names(), start=1):
        key = str(number) if number <= 9 else " "
        try:
            p = library.load(name)
        except ProfileError as error:
            sys.stderr.write(f"bls: {error}\n")
            print(f"{key:2}{name:10} {'(cannot be used: see above)':>41}")
            code = EXIT_USAGE
            continue
        print(f"{key:2}{name:10} {p.motion.speed_hz:5.2f}Hz {p.passes_per_minute:10.0f}  "
              f"{p.length.describe():>10}  {p.description}")
    return code


def format_profile(profile: Profile) -> str:
    """Every setting of a profile, as TOML a user can copy into a file of their own."""
    m, s, t, a = profile.motion, profile.length, profile.target, profile.audio

    lines = [
        f"# {profile.name} ({profile.source})",
        f"# {profile.description}" if profile.description else None,
        "[motion]",
        f'path = "{m.path}"',
        f"speed = {m.speed_hz:g}   # Hz = {profile.passes_per_minute:g} passes per minute",
        f"max_speed = {m.max_speed_hz:g}",
        f'easing = "{m.easing}"',
        f"dwell = {m.dwell_s:g}",
        f"amplitude = {m.amplitude:g}",
        "[set]",
        f"passes = {s.passes}" if s.passes is not None else f"seconds = {s.seconds:g}",
        "[target]",
        f'shape = "{t.shape}"',
        f"size = {t.size:g}",
        f'color = "{hex_color(t.color)}"',
        f'background = "{hex_color(t.background)}"',
        f'image = "{t.image}"' if t.image else None,
        f"trail = {t.trail_s:g}",
        "[audio]",
        f'tone = "{a.tone}"',
        f"frequency = {a.frequency_hz:g}",
        f"duration = {a.duration_s:g}",
        f"volume = {a.volume:g}",
        f'pan = "{a.pan}"',
        f"crossfeed = {a.crossfeed:g}",
    ]
    return "\n".join(line for line in lines if line is not None)
