"""The `bls` command: parses arguments and hands each subcommand to its module.

Exit codes: 0 done, 1 runtime failure, 2 bad usage or bad profile, 128 + N after signal N (130
Ctrl-C, 143 SIGTERM, 129 SIGHUP: see `bls.signals`). A user's mistake is one line on stderr,
never a traceback. Subcommand modules are imported lazily so `bls profiles` and
`bls export-audio` start fast and work without a display.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from bls import __version__, signals
from bls.core.profile import Profile, ProfileError, with_overrides
from bls.options import (
    MAX_PAUSE_S,
    MAX_SETS,
    CalibrateOptions,
    DoctorOptions,
    ExportOptions,
    RunOptions,
    TapOptions,
    UsageError,
)
from bls.profiles import DEFAULT_PROFILE, Library

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # as if killed by SIGPIPE, like other command-line tools
SHARE_PROFILE = "share"
SUBCOMMANDS = ("run", "tap", "export-audio", "profiles", "log", "doctor", "calibrate")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _count(highest: int) -> Callable[[str], int]:
    """A whole number from 1 to `highest`, for --sets."""

    def parse(text: str) -> int:
        value = _positive_int(text)
        if value > highest:
            raise argparse.ArgumentTypeError(f"{text!r} is more than {highest}")
        return value

    return parse


def _pause_seconds(text: str) -> float:
    """--pause: 0 to an hour (longer is not a pause between sets)."""
    value = _seconds(text)
    if value > MAX_PAUSE_S:
        raise argparse.ArgumentTypeError(f"{text!r} is more than {MAX_PAUSE_S:g} seconds")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more seconds")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range (1 to 65535)")
    return value


def check_link_options(args: argparse.Namespace) -> None:
    """--host, --port, --cert and --key belong to --link; --cert and --key go together."""
    if not getattr(args, "link", False):
        for option in ("host", "port", "cert", "key"):
            if getattr(args, option, None) is not None:
                raise UsageError(f"--{option} is an option of --link")
        return
    if (args.cert is None) != (args.key is None):
        raise UsageError("--cert and --key go together (the certificate and its private key)")
    for option in ("cert", "key"):
        path = getattr(args, option)
        if path is not None and not path.is_file():
            raise UsageError(f"--{option} {path}: no such file")


def _window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (160 <= width <= 16384 and 120 <= height <= 16384):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range (160x120 to 16384x16384)")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bls", description="Bilateral stimulation for EMDR therapy: a moving "
                     "target with a tone in each ear as it reaches that end.")
    parser.add_argument("--version", action="version", version=f"bls {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def profile_option(sub: argparse.ArgumentParser, default: str | None,
                       default_text: str | None = None) -> None:
        sub.add_argument("-p", "--profile", default=default,
                         help=f"profile name or .toml file (default: {default_text or default})")

    run = commands.add_parser("run", help="the live session (default command)")
    profile_option(run, None, f"the one used last, else {DEFAULT_PROFILE}; with --share or "
                                f"--link: {SHARE_PROFILE}")
    run.add_argument("--window", type=_window_size, metavar="WxH",
                     help="a window of this size instead of full screen")
    run.add_argument("--display", type=int, default=0, metavar="N",
                     help="which monitor to use for full screen (0 = first)")
    placement = run.add_mutually_exclusive_group()
    placement.add_argument("--share", action="store_true",
                           help="telehealth: a client window to share and the console beside it")
    placement.add_argument("--client-display", type=int, metavar="N",
                           help="the client view full screen on display N, the console on "
                                "another display")
    placement.add_argument("--link", action="store_true",
                           help="telehealth: a link the client opens (the console shows it "
                                "and a QR code); their browser draws the target and plays the "
                                "tones")
    run.add_argument("--host", metavar="H",
                     help="address the client link listens on (default 127.0.0.1: this "
                     "computer only; 0.0.0.0: every network)")
    run.add_argument("--port", type=_port, metavar="P",
                     help="port of the client link (default: any free port)")
    run.add_argument("--cert", type=Path, metavar="FILE",
                     help="TLS certificate (PEM) for the client link, with --key")
    run.add_argument("--key", type=Path, metavar="FILE",
                     help="TLS private key (PEM) for --cert")
    run.add_argument("--no-audio", action="store_true", help="picture only")
    run.add_argument("--no-log", action="store_true", help="keep no session log")
    run.add_argument("--speed", type=_number, metavar="HZ", help="override the profile's speed")
    length = run.add_mutually_exclusive_group()
    length.add_argument("--passes", type=_positive_int, metavar="N", help="passes per set")
    length.add_argument("--seconds", type=_number, metavar="S", help="seconds per set")
    run.add_argument("--autostart", action="store_true", help="start the first set at once")
    run.add_argument("--exit-after-set", action="store_true",
                     help="quit when the first set is back at rest (demos and tests)")

    tap = commands.add_parser("tap", help="auditory tapping from the terminal, no screen needed")
    profile_option(tap, "tapping")
    tap.add_argument("--sets", type=_count(MAX_SETS), default=1, metavar="N",
                     help=f"number of sets, 1 to {MAX_SETS} (default 1)")
    tap.add_argument("--pause", type=_pause_seconds, default=20.0, metavar="S",
                     help="seconds between sets (default 20)")
    tap.add_argument("--speed", type=_number, metavar="HZ")
    tap_length = tap.add_mutually_exclusive_group()
    tap_length.add_argument("--passes", type=_positive_int, metavar="N")
    tap_length.add_argument("--seconds", type=_number, metavar="S")
    tap.add_argument("--no-log", action="store_true", help="keep no session log")

    export = commands.add_parser("export-audio", help="write sets of tones to a WAV file")
    export.add_argument("out", type=Path, metavar="OUT.wav")
    profile_option(export, "tapping")
    export.add_argument("--sets", type=_count(MAX_SETS), default=1, metavar="N",
                        help=f"number of sets, 1 to {MAX_SETS} (default 1); the whole track "
                        "may last up to 6 hours")
    export.add_argument("--pause", type=_pause_seconds, default=20.0, metavar="S",
                        help="seconds of silence between sets (default 20)")
    export.add_argument("--speed", type=_number, metavar="HZ")
    export_length = export.add_mutually_exclusive_group()
    export_length.add_argument("--passes", type=_positive_int, metavar="N")
    export_length.add_argument("--seconds", type=_number, metavar="S",
                               help="length of each set in seconds")
    export.add_argument("--force", action="store_true", help="overwrite OUT.wav if it exists")

    profiles = commands.add_parser("profiles", help="list, show or check profiles")
    profiles.add_argument("action", nargs="?", default="list",
                          choices=("list", "show", "check", "keys"))
    profiles.add_argument("target", nargs="?", metavar="NAME|FILE")

    from bls.commands.log import add_parser as add_log_parser

    add_log_parser(commands)

    doctor = commands.add_parser("doctor", help="check displays, sound and timing")
    doctor.add_argument("--lr", action="store_true", help="left/right check in the headphones")

    calibrate = commands.add_parser("calibrate", help="line up sound and picture (Bluetooth)")
    profile_option(calibrate, DEFAULT_PROFILE)
    calibrate.add_argument("--window", type=_window_size, metavar="WxH")
    return parser


def profile_name(args: argparse.Namespace) -> str:
    """-p as given; without it `share` for `bls run --share` or `--link`, else the profile used
    last (chosen in the console or with 1-9) if it still exists, else the standard profile."""
    if args.profile is not None:
        return str(args.profile)
    if getattr(args, "share", False) or getattr(args, "link", False):
        return SHARE_PROFILE
    from bls.settings import SettingsError, load_settings

    try:
        last = load_settings().last_profile
    except SettingsError:
        return DEFAULT_PROFILE  # the session reports a broken settings file itself
    return last if last is not None and Library.discover().candidates(last) else DEFAULT_PROFILE


def load_profile(args: argparse.Namespace) -> Profile:
    """The profile named by -p, with --speed/--passes/--seconds applied."""
    profile = Library.discover().load(profile_name(args))
    return with_overrides(profile, speed_hz=getattr(args, "speed", None),
                          passes=getattr(args, "passes", None),
                          seconds=getattr(args, "seconds", None))


def run_options(args: argparse.Namespace) -> RunOptions:
    """`bls run`'s options as the run command reads them."""
    return RunOptions(window=args.window, display=args.display, no_audio=args.no_audio,
                      autostart=args.autostart, exit_after_set=args.exit_after_set,
                      share=args.share, client_display=args.client_display,
                      no_log=args.no_log, link=args.link,
                      host=args.host if args.host is not None else "127.0.0.1",
                      port=args.port if args.port is not None else 0,
                      cert=args.cert, key=args.key)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "profiles":
        from bls.commands.profiles import profiles_command

        return profiles_command(args.action, args.target)
    if command == "export-audio":
        from bls.commands.export import export_command

        return export_command(ExportOptions(out=args.out, sets=args.sets, pause_s=args.pause,
                                            force=args.force), load_profile(args))
    if command == "run":
        check_link_options(args)
        from bls.commands.run import run_command

        return run_command(run_options(args), load_profile(args))
    if command == "tap":
        from bls.commands.tap import tap_command

        return tap_command(TapOptions(sets=args.sets, pause_s=args.pause,
                                      no_log=args.no_log), load_profile(args))
    if command == "log":
        from bls.commands.log import log_command

        return log_command(args)
    if command == "doctor":
        from bls.commands.doctor import doctor_command

        return doctor_command(DoctorOptions(lr=args.lr))
    if command == "calibrate":
        from bls.commands.calibrate import calibrate_command

        return calibrate_command(CalibrateOptions(window=args.window), load_profile(args))
    raise UsageError(f"unknown command {command!r}; allowed: {', '.join(SUBCOMMANDS)}")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # `bls` alone, or `bls -p slow`, means `bls run ...`.
    if not arguments or (arguments[0].startswith("-")
                         and arguments[0] not in ("-h", "--help", "--version")):
        arguments.insert(0, "run")
    with signals.handled():
        try:
            args = build_parser().parse_args(arguments)
            code = _dispatch(args)
            sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        except BrokenPipeError:
            return _reader_gone()
        except SystemExit as stop:
            return int(stop.code or 0) if isinstance(stop.code, int | None) else EXIT_USAGE
        except (ProfileError, UsageError) as error:
            _say(f"bls: {error}")
            return EXIT_USAGE
        except KeyboardInterrupt as stop:
            _say(f"bls: {signals.describe(stop)}")
            return signals.exit_code(stop)
        except _user_errors() as error:
            _say(f"bls: {error}")
            return getattr(error, "exit_code", EXIT_USAGE)
        # A command that caught the interrupt itself has said so; its exit code still tells.
        stopped_by = signals.received()
        if stopped_by is not None and code in (EXIT_OK, 130):
            return 128 + stopped_by
        return code


def _reader_gone() -> int:
    """Output piped into a program that stopped reading (`bls profiles | head -1`): quietly
    stop, as command-line tools do on SIGPIPE (exit 141), without a traceback at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def _say(line: str) -> None:
    """One line on stderr; after SIGHUP the terminal may be gone, which is no reason to fail."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors from shell modules that are one line for the user; `exit_code` (default 2) says
    whether it is bad input (2) or a failure at run time (1)."""
    from bls.commands.export import ExportError
    from bls.settings import SettingsError
    from bls.sounds import SoundFileError

    errors: tuple[type[Exception], ...] = (ExportError, SettingsError, SoundFileError)
    window = sys.modules.get("bls.display.window")  # only loaded by commands with a screen
    if window is not None:
        errors += (window.DisplayError,)  # no display: the same line for every command
    return errors


if __name__ == "__main__":
    raise SystemExit(main())
