"""Local mode: the emulator in this process, and its emails on the console.

`emulator` (moto) is imported only inside `local_stack()`, so the container image, which does not
install it, starts in Cognito mode without ever touching it. The stack is started once per process
and reused, which also lets the NiceGUI test fixture rebuild the app per test without restarting it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from threading import Lock
from typing import Any, Protocol, TextIO


class Mailbox(Protocol):
    def messages(self, to: str | None = None) -> list[dict[str, Any]]: ...

    def subscribe(self, callback: Callable[[dict[str, Any]], None]) -> None: ...


class LocalStack(Protocol):
    """The part of `emulator.LocalStack` the web app uses."""

    @property
    def mailbox(self) -> Mailbox: ...

    def env(self) -> Mapping[str, str]: ...

    def stop(self) -> None: ...


_lock = Lock()
_stack: LocalStack | None = None


def format_email_for_console(message: Mapping[str, Any]) -> str:
    """What the console shows of one captured email: recipient, subject and the text body."""
    recipients = ", ".join(message.get("to") or [])
    body = message.get("text") or message.get("html") or ""
    rule = "-" * 60
    return f"{rule}\nEmail to {recipients}: {message.get('subject', '')}\n{body}\n{rule}"


def console_printer(stream: TextIO | None = None) -> Callable[[dict[str, Any]], None]:
    """A mailbox subscriber printing each email (local dev only: codes are meant to be read)."""

    def show(message: dict[str, Any]) -> None:
        print(format_email_for_console(message), file=stream or sys.stdout, flush=True)

    return show


def local_stack() -> LocalStack:
    """The process's emulator, started on first use with its emails echoed to the console."""
    global _stack  # noqa: PLW0603 - one emulator per process, by design
    with _lock:
        if _stack is None:
            from emulator import start_local_stack

            stack: LocalStack = start_local_stack(port=0)
            stack.mailbox.subscribe(console_printer())
            _stack = stack
        return _stack
