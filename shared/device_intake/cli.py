"""``device-intake`` console script. Contract: ``shared/spec/cli.md`` (extend, never break).

Every subcommand prints exactly one JSON object on stdout with ``--json``; logs go to
stderr. Exit 0 whenever a result was produced, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2


def _emit(obj: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _cmd_inspect(args: argparse.Namespace) -> int:
    from device_intake.app.inspect_document import inspect_file

    path = Path(args.path)
    if not path.is_file():
        print(f"device-intake: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    debug_dir = Path(args.debug_dir) if args.debug_dir else None
    result = inspect_file(args.kind, path, debug_dir=debug_dir)
    _emit(result.contract_json(), args.json)
    return EXIT_OK


def _cmd_decide(args: argparse.Namespace) -> int:
    from device_intake.app.decide_registration import RegistrationFileError, decide_file

    try:
        outcome = decide_file(Path(args.registration))
    except RegistrationFileError as exc:
        print(f"device-intake: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    _emit(outcome, args.json)
    return EXIT_OK


def _cmd_process(args: argparse.Namespace) -> int:
    from device_intake.app.process_cli import run_process

    return run_process(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="device-intake", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p_inspect = sub.add_parser("inspect", help="inspect one uploaded file")
    p_inspect.add_argument("--kind", required=True, choices=["front", "back", "proof"])
    p_inspect.add_argument("path")
    p_inspect.add_argument("--json", action="store_true", help="one compact JSON object")
    p_inspect.add_argument("--debug-dir", help="write annotated images here")
    p_inspect.set_defaults(func=_cmd_inspect)

    p_decide = sub.add_parser("decide", help="decide one registration (JSON file)")
    p_decide.add_argument("registration")
    p_decide.add_argument("--json", action="store_true", help="one compact JSON object")
    p_decide.set_defaults(func=_cmd_decide)

    p_process = sub.add_parser(
        "process", help="push registrations through the running stack (see docs/pipeline.md)"
    )
    p_process.add_argument("files", nargs="+")
    p_process.add_argument("--plan", required=True)
    p_process.add_argument("--enrolled", required=True, help="enrollment date YYYY-MM-DD")
    p_process.add_argument("--json", action="store_true")
    p_process.add_argument("--api", help="base URL of a running local stack (default: embed one)")
    p_process.add_argument("--timeout", type=float, default=300.0,
                           help="seconds to wait for all decisions")
    p_process.set_defaults(func=_cmd_process, extra_process_args=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s %(message)s",
    )
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
