"""Terminal client: sign up, confirm and sign in (password, then the emailed code) in a shell.

    python -m webapp.cli [sign-in | sign-up | confirm | forgot-password] [--email ...]
    python -m webapp.cli [change-password | sign-out-everywhere | delete-account] [--email ...]

The account commands sign in first (password, then the emailed code), then act with that
session's access token, as the web app's /account page does.

It drives the same `AuthFlow` as the web pages. With USER_POOL_ID, CLIENT_ID and AWS_REGION in
the environment it talks to that Cognito; without them it starts the emulator in this process and
prints the emails it captures, so the codes can be read right here. Tokens are never printed
unless --show-tokens is given.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from functions.settings import SUPPORTED_LOCALES
from webapp.auth.environment import cognito_configured, environ_for_stack
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Notice, Step, build_flow_from_env
from webapp.auth.passwords import password_problems
from webapp.display import format_utc

Prompt = Callable[[str], str]

_KIND_TEXT: dict[str, str] = {
    AuthErrorKind.INVALID_CREDENTIALS: "Incorrect email or password.",
    AuthErrorKind.USER_NOT_CONFIRMED: "This account is not confirmed yet: enter the emailed code.",
    AuthErrorKind.PASSWORD_RESET_REQUIRED: "A password reset is required (forgot-password).",
    AuthErrorKind.USER_DISABLED: "This account is disabled.",
    AuthErrorKind.TOO_MANY_ATTEMPTS: "Too many attempts. Wait a while and try again.",
    AuthErrorKind.SESSION_EXPIRED: "The sign-in session expired. Please sign in again.",
    AuthErrorKind.CODE_MISMATCH: "That code is not right.",
    AuthErrorKind.CODE_EXPIRED: "That code has expired.",
    AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED: "Too many wrong codes. Please sign in again.",
    AuthErrorKind.USERNAME_EXISTS: "An account with this email already exists.",
    AuthErrorKind.INVALID_PASSWORD: "The password does not meet the policy.",
    AuthErrorKind.INVALID_PARAMETER: "Please check what you typed.",
    AuthErrorKind.LIMIT_EXCEEDED: "Limit reached for now. Please try again later.",
    AuthErrorKind.THROTTLED: "The service is busy. Please retry.",
    AuthErrorKind.DELIVERY_FAILED: "The email could not be sent.",
    AuthErrorKind.ALIAS_EXISTS: "An account with this email already exists.",
    AuthErrorKind.ALREADY_CONFIRMED: "This account is already confirmed: sign in.",
    AuthErrorKind.NETWORK: "Cannot reach the service. Check the connection and retry.",
    AuthErrorKind.SERVICE: "Something went wrong on our side. Please retry later.",
    AuthErrorKind.CODES_BLOCKED: "For your security, no sign-in code can be sent to this "
    "account {until}. If you did not try to sign in, reset your password (forgot-password).",
    AuthErrorKind.CODES_UNAVAILABLE: "Sign-in codes cannot be sent right now. Try again in a few "
    "minutes.",
    Notice.SIGN_UP_CODE_SENT: "A confirmation code was sent by email.",
    Notice.CONFIRMED: "Account confirmed.",
    Notice.CODE_RESENT: "A new code was sent.",
    Notice.RESET_CODE_SENT: "If the account exists, a reset code was sent by email.",
    Notice.PASSWORD_RESET: "Password changed: sign in with the new one.",
    Notice.SIGNED_OUT: "Signed out.",
    Notice.SIGNED_OUT_EVERYWHERE: "Signed out on every device.",
    Notice.PASSWORD_CHANGED: "Password changed.",
    Notice.ACCOUNT_DELETED: "Account deleted.",
    Notice.REAUTH_REQUIRED: "Sign in again to delete the account.",
}
ACCOUNT_COMMANDS = ("change-password", "sign-out-everywhere", "delete-account")
REAUTH_SECONDS = 300  # as the web app's account page
_RULE_TEXT: dict[str, str] = {
    "min_length": "at least {n} characters",
    "max_length": "at most 256 characters",
    "lowercase": "a lowercase letter",
    "uppercase": "an uppercase letter",
    "numbers": "a digit",
    "symbols": "a symbol",
    "whitespace": "no space at the start or end",
}


class Terminal:
    """Input and output of one session (injectable, so main() is testable with a script)."""

    def __init__(self, ask: Prompt, ask_secret: Prompt, out: TextIO) -> None:
        self.ask = ask
        self.ask_secret = ask_secret
        self.out = out

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class Session:
    """One terminal journey through the flow; each method moves the state one step."""

    def __init__(self, flow: AuthFlow, term: Terminal, locale: str) -> None:
        self.flow = flow
        self.term = term
        self.locale = locale
        self.state = FlowState()

    def show_notice(self) -> None:
        if self.state.notice is not None:
            self.term.say(_KIND_TEXT.get(str(self.state.notice), str(self.state.notice)))
            self.state = self.flow.clear_notice(self.state)

    def _fail(self, error: AuthError) -> None:
        text = _KIND_TEXT.get(error.kind, error.kind.value)
        if error.kind == AuthErrorKind.CODES_BLOCKED:
            text = text.format(
                until=f"until {format_utc(error.until)}" if error.until else "right now"
            )
        self.term.say("Error: " + text)

    def _email(self, given: str | None) -> str:
        return given or self.state.email or self.term.ask("Email: ").strip()

    def _new_password(self) -> str:
        policy = self.flow.pool.password
        while True:
            password = self.term.ask_secret("New password: ")
            problems = password_problems(password, policy)
            if problems:
                needs = ", ".join(_RULE_TEXT[p].format(n=policy.minimum_length) for p in problems)
                self.term.say(f"The password needs {needs}.")
                continue
            if self.term.ask_secret("Repeat the password: ") != password:
                self.term.say("The passwords differ.")
                continue
            return password

    def sign_up(self, email: str | None) -> str | None:
        """Register; returns the password so sign-in can follow without asking again."""
        address = self._email(email)
        password = self._new_password()
        try:
            self.state = self.flow.sign_up(self.state, address, password, self.locale)
        except AuthError as error:
            self._fail(error)
            return None
        self.show_notice()
        return password if self.confirm(None) else None

    def confirm(self, email: str | None) -> bool:
        if self.state.step != Step.CONFIRM_SIGN_UP:
            self.state = FlowState(step=Step.CONFIRM_SIGN_UP, email=self._email(email))
        while self.state.step == Step.CONFIRM_SIGN_UP:
            code = self.term.ask("Confirmation code (r: resend, q: quit): ").strip()
            try:
                if code.lower() == "q":
                    return False
                if code.lower() == "r":
                    self.state = self.flow.resend_sign_up_code(self.state, self.locale)
                else:
                    self.state = self.flow.confirm_sign_up(self.state, code)
            except AuthError as error:
                self._fail(error)
            self.show_notice()
        return True

    def sign_in(self, email: str | None, password: str | None = None) -> bool:
        address = self._email(email)
        secret = password or self.term.ask_secret("Password: ")
        try:
            self.state = self.flow.sign_in(self.state, address, secret, self.locale)
        except AuthError as error:
            self._fail(error)
            return False
        self.show_notice()
        if self.state.step == Step.CONFIRM_SIGN_UP:
            return self.confirm(address) and self.sign_in(address, secret)
        return self._code()

    def _code(self) -> bool:
        while self.state.step == Step.CODE and self.state.challenge is not None:
            challenge = self.state.challenge
            now = self.flow.now()
            self.term.say(
                f"Code sent to {challenge.destination}: {challenge.code_length} digits, "
                f"{challenge.seconds_left(now)} s left, {challenge.attempts_left} attempts left."
            )
            answer = self.term.ask("Code (r: resend, q: cancel): ").strip()
            try:
                if answer.lower() == "q":
                    self.state = self.flow.cancel(self.state)
                    return False
                if answer.lower() == "r":
                    wait = challenge.resend_wait(now)
                    if wait:
                        self.term.say(f"A new code can be asked in {wait} s.")
                        continue
                    self.state = self.flow.resend_code(self.state, self.locale)
                else:
                    self.state = self.flow.submit_code(self.state, answer, self.locale)
            except AuthError as error:
                self._fail(error)
            self.show_notice()
        return self.flow.is_signed_in(self.state)

    def forgot_password(self, email: str | None) -> bool:
        address = self._email(email)
        try:
            self.state = self.flow.forgot_password(self.state, address, self.locale)
        except AuthError as error:
            self._fail(error)
            return False
        self.show_notice()
        while self.state.step == Step.RESET_PASSWORD:
            code = self.term.ask("Reset code (q: quit): ").strip()
            if code.lower() == "q":
                return False
            try:
                self.state = self.flow.confirm_forgot_password(
                    self.state, code, self._new_password()
                )
            except AuthError as error:
                self._fail(error)
            self.show_notice()
        return True

    # --- the signed-in account (after sign_in) ---------------------------------------------

    def change_password(self) -> bool:
        current = self.term.ask_secret("Current password: ")
        proposed = self._new_password()
        try:
            self.state = self.flow.change_password(self.state, current, proposed)
        except AuthError as error:
            if error.kind == AuthErrorKind.INVALID_CREDENTIALS:
                self.term.say("Error: The current password is not correct.")
            else:
                self._fail(error)
            return False
        self.show_notice()
        return True

    def sign_out_everywhere(self) -> bool:
        try:
            self.state = self.flow.global_sign_out(self.state)
        except AuthError as error:
            self._fail(error)
            return False
        self.show_notice()
        return True

    def delete_account(self) -> bool:
        identity = self.state.identity
        if identity is None:
            return False
        self.term.say(f"This deletes the account {identity.email} for good.")
        typed = self.term.ask("Type the email again to confirm: ").strip()
        try:
            self.state = self.flow.delete_account(self.state, typed, REAUTH_SECONDS)
        except AuthError as error:
            if error.kind == AuthErrorKind.INVALID_PARAMETER:
                self.term.say("Error: That is not this account's email. Nothing was deleted.")
            else:
                self._fail(error)
            return False
        self.show_notice()
        return True

    def account(self, command: str) -> bool:
        if command == "change-password":
            return self.change_password()
        if command == "sign-out-everywhere":
            return self.sign_out_everywhere()
        return self.delete_account()

    def report(self, show_tokens: bool) -> None:
        """Who is signed in and until when (tokens only when asked)."""
        identity, tokens = self.state.identity, self.state.tokens
        if identity is None or tokens is None:
            return
        self.term.say(f"Signed in as {identity.email} (sub {identity.sub}).")
        self.term.say(f"Groups: {', '.join(identity.groups) or 'none'}.")
        self.term.say(f"Signed in at {_when(self.state.signed_in_at or identity.auth_time)}.")
        self.term.say(f"Tokens valid until {_when(tokens.expires_at)}.")
        if self.state.session_ends_at:
            self.term.say(f"Session ends at {_when(self.state.session_ends_at)}.")
        if show_tokens:
            self.term.say(f"ID token: {tokens.id_token}")
            self.term.say(f"Access token: {tokens.access_token}")
            self.term.say(f"Refresh token: {tokens.refresh_token}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webapp.cli",
        description="Sign up and sign in (password, then an emailed code) from a terminal.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="sign-in",
        choices=["sign-in", "sign-up", "confirm", "forgot-password", *ACCOUNT_COMMANDS],
        help="sign-up continues with confirmation and sign-in (default: sign-in); the account "
        "commands sign in first",
    )
    parser.add_argument("--email", help="the account's email (asked when omitted)")
    parser.add_argument("--locale", choices=SUPPORTED_LOCALES, default="en")
    parser.add_argument("--show-tokens", action="store_true", help="print the tokens")
    parser.add_argument(
        "--sign-out", action="store_true", help="revoke the refresh token before exiting"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="local mode: also print the triggers' logs"
    )
    return parser


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


@contextlib.contextmanager
def _quiet_trigger_logs() -> Iterator[None]:
    """Keep the in-process triggers' INFO lines (JSON on stdout) from burying the prompts.

    functions.log resets its logger's level whenever a trigger module loads, so the filter goes
    on its handler instead, and comes off again when the session ends.
    """
    from functions.log import get_logger

    handlers = list(get_logger("functions").handlers)
    for handler in handlers:
        handler.addFilter(_warnings_only)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(_warnings_only)


@contextlib.contextmanager
def _flow_for(environ: Mapping[str, str], term: Terminal, verbose: bool) -> Iterator[AuthFlow]:
    """The configured Cognito, or a local emulator whose emails are printed here."""
    if cognito_configured(environ):
        yield build_flow_from_env(environ)
        return
    from emulator import start_local_stack  # local runs only: the image has no emulator

    stack = start_local_stack(port=0)
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(stack.stop)
        if not verbose:
            cleanup.enter_context(_quiet_trigger_logs())

        def show(message: Mapping[str, Any]) -> None:
            term.say(
                f"[local mailbox] To {', '.join(message.get('to') or [])}: {message['subject']}"
            )
            term.say(str(message.get("text") or ""))

        stack.mailbox.subscribe(show)
        term.say(f"Local emulator at {stack.endpoint_url}: emails (and codes) are printed below.")
        term.say("Its pool starts empty on every run: begin with `sign-up`.")
        settings = {**environ, **environ_for_stack(stack)}
        yield build_flow_from_env(settings, clock=stack.clock.now)


def main(
    argv: list[str] | None = None,
    *,
    ask: Prompt = input,
    ask_secret: Prompt = getpass.getpass,
    out: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run one command; 0 when it ends signed in (or, for confirm/forgot, done), 1 otherwise."""
    args = _parser().parse_args(argv)
    term = Terminal(ask, ask_secret, out or sys.stdout)
    try:
        with _flow_for(os.environ if environ is None else environ, term, args.verbose) as flow:
            session = Session(flow, term, args.locale)
            done: bool
            if args.command == "sign-up":
                password = session.sign_up(args.email)
                done = password is not None and session.sign_in(session.state.email, password)
            elif args.command == "confirm":
                done = session.confirm(args.email)
            elif args.command == "forgot-password":
                done = session.forgot_password(args.email)
            else:
                done = session.sign_in(args.email)
            session.report(args.show_tokens)
            if args.command in ACCOUNT_COMMANDS and done:
                done = session.account(args.command)
            if args.sign_out and flow.is_signed_in(session.state):
                session.state = flow.sign_out(session.state)
                session.show_notice()
            return 0 if done else 1
    except (EOFError, KeyboardInterrupt):
        term.say("")
        return 1
    except ValueError as error:  # incomplete configuration
        term.say(f"Configuration error: {error}")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
