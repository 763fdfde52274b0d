"""The server process ticking once a second (webapp/quiet_server.py) still keeps its Date header
current; that it still stops on SIGTERM is checked by every module's app (e2e_app.running_app)."""

from __future__ import annotations

import time
import urllib.request
from email.utils import parsedate_to_datetime


def served_date(base: str) -> float:
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
        return parsedate_to_datetime(response.headers["Date"]).timestamp()


def test_the_date_header_follows_the_clock(app_url: str) -> None:
    first = served_date(app_url)
    assert abs(first - time.time()) <= 2.5
    time.sleep(2.2)
    second = served_date(app_url)
    assert second - first >= 1  # refreshed within a second or two, not every ten
    assert abs(second - time.time()) <= 2.5
