"""JSON-line logging for the triggers.

CloudWatch Logs Insights parses one JSON object per line, so every record is a flat object with an
`event` name and explicit fields. Callers pass only fields that are safe to keep: never a code, an
email address, a token or a whole Cognito event.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Final

_ROOT_NAME: Final = "functions"
_FIELDS_ATTR: Final = "json_fields"


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: level, logger, event and the record's declared fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        extra = getattr(record, _FIELDS_ATTR, None)
        if isinstance(extra, dict):
            payload.update(extra)
        return json.dumps(payload, default=str, ensure_ascii=False, sort_keys=True)


class StdoutLineHandler(logging.Handler):
    """Writes each line to the *current* sys.stdout.

    Looked up at every record, not bound once: the Lambda runtime swaps sys.stdout for an
    unbuffered wrapper, and in-process hosts (the emulator, pytest) swap it too.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # a broken stdout must never break a sign-in
            self.handleError(record)


def _configure_root() -> logging.Logger:
    root = logging.getLogger(_ROOT_NAME)
    if not any(isinstance(h, StdoutLineHandler) for h in root.handlers):
        handler = StdoutLineHandler()
        handler.setFormatter(JsonLineFormatter())
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    # The Lambda runtime installs its own (plain-text) handler on the root logger: do not
    # print every line twice.
    root.propagate = False
    return root


def get_logger(name: str) -> logging.Logger:
    """A child of the `functions` logger, whose single handler writes JSON lines to stdout."""
    _configure_root()
    return logging.getLogger(name if name.startswith(_ROOT_NAME) else f"{_ROOT_NAME}.{name}")


def log_json(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Write one record; `fields` must already be free of secrets and personal data."""
    logger.log(level, event, extra={_FIELDS_ATTR: fields})
