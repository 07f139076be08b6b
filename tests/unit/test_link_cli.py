"""`bls run --link`'s options: each mistake is one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bls.cli import build_parser, main, profile_name


@pytest.mark.parametrize(("args", "hint"), [
    (["run", "--host", "0.0.0.0"], "--host is an option of --link"),
    (["run", "--port", "8443"], "--port is an option of --link"),
    (["run", "--link", "--port", "99999"], "out of range"),
    (["run", "--link", "--port", "web"], "not a port number"),
    (["run", "--link", "--share"], "not allowed with"),
    (["run", "--link", "--cert", "cert.pem"], "--cert and --key go together"),
    (["run", "--link", "--cert", "nosuch.pem", "--key", "nosuch.key"], "no such file"),
])
def test_link_option_mistakes_are_one_line_and_exit_code_2(
        args: list[str], hint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and hint in lines[0], lines


def test_the_link_uses_the_share_profile_unless_told_otherwise() -> None:
    parser = build_parser()
    assert profile_name(parser.parse_args(["run", "--link"])) == "share"
    assert profile_name(parser.parse_args(["run", "--link", "-p", "slow"])) == "slow"
