"""One boto3 client per service and Lambda container, with timeouts that fit Cognito's 5 s.

boto3 is imported on first use (about 250 ms of a cold start), never at module import, so a
trigger that does not need a client (Define, Verify's success path) never loads it. No endpoint
is passed: boto3 reads AWS_ENDPOINT_URL, which is how the offline emulator receives the calls.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Final

CONNECT_TIMEOUT_SECONDS: Final = 1
READ_TIMEOUT_SECONDS: Final = 2


class CachedClient:
    """The cached client of one AWS service (thread-safe, created once)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._client: Any = None
        self._lock = threading.Lock()

    def get(self, region: str | None = None) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3  # type: ignore[import-untyped]  # boto3 ships no type hints
                    from botocore.config import Config  # type: ignore[import-untyped]

                    self._client = boto3.client(
                        self.service,
                        region_name=os.environ.get("AWS_REGION") or region or None,
                        config=Config(
                            connect_timeout=CONNECT_TIMEOUT_SECONDS,
                            read_timeout=READ_TIMEOUT_SECONDS,
                            retries={"max_attempts": 2, "mode": "standard"},
                        ),
                    )
        return self._client

    @property
    def current(self) -> Any:
        """The client if one was created (the emulator checks where it points)."""
        return self._client

    def reset(self) -> None:
        """Forget the client (tests and the emulator switch accounts and endpoints)."""
        with self._lock:
            self._client = None
