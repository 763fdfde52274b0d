"""`python -m emulator [--port N]`: the emulator alone, with the product's triggers wired.

Prints one `export NAME=value` line per variable on stdout (so `eval "$(python -m emulator)"`
style tooling and tests can read them) and nothing else there: every other line this process
writes goes to stderr, the human information and the triggers' JSON log lines included. It stops
cleanly on Ctrl-C or SIGTERM with exit status 0.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from emulator.stack import start_local_stack

DEFAULT_PORT = 5055
_EXPORT_ORDER = (
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "USER_POOL_ID",
    "CLIENT_ID",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    args = parser.parse_args(argv)  # --help still goes to stdout
    # The triggers log through functions/log.py, whose handler writes to whatever sys.stdout is
    # when a record is emitted (on Lambda, where CloudWatch reads). Pointing sys.stdout at
    # stderr for the rest of the run keeps functions/ as it is on Lambda, and nothing else that
    # prints (moto, a stray debug print) can reach stdout either: only the export lines do.
    exports = sys.stdout
    sys.stdout = sys.stderr
    try:
        return _serve(args.port, exports)
    finally:
        sys.stdout = exports


def _serve(port: int, exports: TextIO) -> int:
    """Run the stack until Ctrl-C or SIGTERM; only the export lines go to `exports`."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack = start_local_stack(port=port)
    try:
        env = stack.env()
        for name in _EXPORT_ORDER:
            print(f"export {name}={shlex.quote(env[name])}", file=exports, flush=True)
        print(
            f"Cognito + SES emulator on {stack.endpoint_url} (pool {stack.user_pool_id}).\n"
            f"Mailbox: {stack.endpoint_url}/_emulator/mailbox?to=<address>\n"
            f"JWKS:    {stack.endpoint_url}/{stack.user_pool_id}/.well-known/jwks.json\n"
            "Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )
        stack.mailbox.subscribe(
            lambda m: print(
                f"[mail] to {', '.join(m['to'])}: {m['subject']}", file=sys.stderr, flush=True
            )
        )
        while not stop.wait(0.5):
            pass
    finally:
        stack.stop()
    print("Emulator stopped.", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
