"""The profile folders as a user may leave them: odd entries are skipped with a note naming
them, every unusable file is one ProfileError, and the other profiles keep working."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bls import cli
from bls.core.profile import ProfileError
from bls.profiles import Library


@pytest.fixture
def odd_folder(_private_config: Path) -> Path:
    """The user's profile folder holding a folder, a dangling link, a link loop and a UTF-16
    file, each named like a profile, next to one good profile."""
    folder = _private_config / "profiles"
    folder.mkdir()
    (folder / "folder.toml").mkdir()
    (folder / "dangling.toml").symlink_to(folder / "gone.toml")
    (folder / "loop1.toml").symlink_to(folder / "loop2.toml")
    (folder / "loop2.toml").symlink_to(folder / "loop1.toml")
    (folder / "wide.toml").write_bytes('extends = "slow"\n'.encode("utf-16"))
    (folder / "mine.toml").write_text('extends = "slow"\n[motion]\nspeed = 0.5\n')
    return folder


def test_odd_entries_do_not_break_lookups_of_the_others(odd_folder: Path) -> None:
    library = Library.discover()
    assert library.load("mine").motion.speed_hz == 0.5
    assert library.load("standard").motion.speed_hz == 1.0
    assert "mine" in library.names() and "folder" not in library.names()
    notes = sorted(s.note() for s in library.skipped())
    assert notes == [
        f"note: {odd_folder / 'dangling.toml'}: is a link to a file that does not exist; skipped",
        f"note: {odd_folder / 'folder.toml'}: is a folder, not a profile file; skipped",
        f"note: {odd_folder / 'loop1.toml'}: is a link that loops; skipped",
        f"note: {odd_folder / 'loop2.toml'}: is a link that loops; skipped",
    ]


def test_naming_an_odd_entry_says_what_it_is(odd_folder: Path) -> None:
    with pytest.raises(ProfileError, match="is a link that loops"):
        Library.discover().load("loop1")
    with pytest.raises(ProfileError, match="is saved as UTF-16"):
        Library.discover().load("wide")


def test_profiles_list_shows_the_good_ones_and_one_line_per_problem(
        odd_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["profiles"]) == 2  # a profile is broken: the user should know
    captured = capsys.readouterr()
    assert "mine" in captured.out and "standard" in captured.out
    err = captured.err.splitlines()
    assert len(err) == 5 and all(line.startswith("bls: ") for line in err)
    assert "UTF-16" in err[-1] and "Traceback" not in captured.err


def test_a_profile_that_extends_itself_says_so(tmp_path: Path) -> None:
    me = tmp_path / "me.toml"
    me.write_text('extends = "me"\n')
    with pytest.raises(ProfileError) as caught:
        Library.discover().load(str(me))
    assert str(caught.value) == (f"{me}: extends: 'me' is this profile itself; a profile "
                                 "extends another one (default 'base')")


@pytest.mark.parametrize(("make", "says"), [("folder", "is a folder, not a file"),
                                            ("fifo", "is a FIFO (named pipe), not a file"),
                                            ("nothing", "no such file")])
def test_profiles_check_says_what_the_path_is(tmp_path: Path, make: str, says: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    assert cli.main(["profiles", "check", str(path)]) == 2
    assert capsys.readouterr().err == f"bls: {path}: {says}\n"


def test_every_unusable_profile_file_is_a_profile_error(odd_folder: Path) -> None:
    """What the live session catches when a profile key is pressed: never another exception."""
    (odd_folder / "latin.toml").write_bytes('description = "café"\n'.encode("latin-1"))
    (odd_folder / "deep.toml").write_text("description = " + "[" * 3000 + "]" * 3000)
    (odd_folder / "dotted.toml").write_text("[" + ".".join(["a"] * 50_000) + "]\n")
    (odd_folder / "parent.toml").write_text('extends = "wide"\n')  # a bad file up the chain
    library = Library.discover()
    for name in ("wide", "latin", "deep", "dotted", "parent", "loop1", "dangling", "folder"):
        with pytest.raises(ProfileError) as caught:
            library.load(name)
        assert "\n" not in str(caught.value)
