"""Reading a TOML file: every way a file can be unusable is one TomlFileError naming it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bls.tomlfile import MAX_BYTES, MAX_KEY_PARTS, MAX_NESTING, TomlFileError, read_toml


def write(tmp_path: Path, data: bytes | str, name: str = "x.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def problem(path: Path) -> str:
    with pytest.raises(TomlFileError) as caught:
        read_toml(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return caught.value.reason


def test_a_plain_file_reads_as_its_dict(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n[motion]\nspeed = 1.5\n')
    assert read_toml(path) == {"name": "x", "motion": {"speed": 1.5}}


def test_a_utf8_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    assert read_toml(write(tmp_path, b'\xef\xbb\xbfname = "x"\n')) == {"name": "x"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_says_it_is_utf16(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, 'name = "x"\n[motion]\nspeed = 1.0\n'.encode(encoding))
    assert problem(path) == "is saved as UTF-16; save it as UTF-8 (plain text)"


def test_a_latin1_file_names_the_byte_and_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\ndescription = "café"\n'.encode("latin-1"))
    assert problem(path) == ("is not UTF-8 text (byte 0xe9 on line 2); "
                             "save it as UTF-8 (plain text)")


def test_a_binary_file_is_not_text(tmp_path: Path) -> None:
    assert "not a text file" in problem(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


@pytest.mark.parametrize("text", [
    "a = " + "[" * 2000 + "]" * 2000,
    "a = " + "{b = " * 1500 + "1" + "}" * 1500,
    "a = " + "[{b = " * 40 + "1" + "}]" * 40,
    "a = [\n" + "[ # ]]]]\n" * 100 + "]" * 100,  # closers in comments do not hide the depth
    "a = [\n" + '[ "]]]", ' * 100 + "]" * 100,  # nor closers in strings
    "a = '''x''''\n" + "b = [" * 100,  # a literal string ending in quotes is still one string
    'a = """x""""\n' + "b = [" * 100,
])
def test_deep_nesting_is_refused_before_the_parser_recurses(tmp_path: Path, text: str) -> None:
    reason = problem(write(tmp_path, text))
    assert reason.startswith(f"nested more than {MAX_NESTING} levels deep")


@pytest.mark.parametrize("text", [
    "[" + ".".join(["a"] * 100_000) + "]",
    ".".join(["a"] * 20_000) + " = 1",
    "x = {" + ".".join(['"a"'] * 500) + " = 1}",
    "[[" + " . ".join(["a"] * 300) + "]]",
])
def test_long_dotted_keys_are_refused(tmp_path: Path, text: str) -> None:
    assert problem(write(tmp_path, text)).startswith(
        f"has a dotted key of more than {MAX_KEY_PARTS} parts")


def test_brackets_and_dots_inside_strings_and_comments_are_text(tmp_path: Path) -> None:
    text = ('description = "' + "[{" * 100 + "a.b." * 40 + '"\n'
            "# " + "[" * 100 + "\n"
            "literal = '" + "[" * 100 + "'\n"
            'multi = """\n' + '"[[' * 100 + '\n"""\n'
            "speeds = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5,"
            " 14.5, 15.5, 16.5, 17.5, 18.5]\n"
            "when = 1979-05-27T07:32:00.999999Z\n"
            "[motion]\nspeed = 1.5\n")
    data = read_toml(write(tmp_path, text))
    assert data["motion"] == {"speed": 1.5} and data["description"].startswith("[{[{")


def test_a_huge_integer_is_not_valid_toml(tmp_path: Path) -> None:
    assert problem(write(tmp_path, "a = 1" + "0" * 5000)).startswith("not valid TOML")


def test_a_syntax_error_keeps_the_parsers_line_and_column(tmp_path: Path) -> None:
    assert problem(write(tmp_path, "[motion\n")).startswith("not valid TOML: ")


def test_a_missing_file(tmp_path: Path) -> None:
    assert problem(tmp_path / "nothing.toml") == "no such file"


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "d.toml").mkdir()
    assert problem(tmp_path / "d.toml") == "is a folder, not a file"


def test_a_link_loop_and_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    (tmp_path / "gone.toml").symlink_to(tmp_path / "nowhere.toml")
    assert problem(tmp_path / "a.toml") == "is a link that loops"
    assert problem(tmp_path / "gone.toml") == "is a link to a file that does not exist"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    assert problem(fifo) == "is a FIFO (named pipe), not a file"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_never_read() -> None:
    assert problem(Path("/dev/zero")) == "is a device, not a file"


def test_a_file_larger_than_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes nobody should read
    assert problem(path).startswith(f"is larger than {MAX_BYTES // 1024} KB")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions do not stop root")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n')
    path.chmod(0)
    assert problem(path) == "cannot read: permission denied"
