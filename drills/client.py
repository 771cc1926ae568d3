"""A small HTTP client for the drills (standard library only) and the members they act as.

One keep-alive connection per client, cookies kept by hand: a member's session cookie (made
server-side, so no login form and no login throttle is involved) and a CSRF cookie whose
value the forms send back, as a browser would.
"""

from __future__ import annotations

import http.client
import secrets
import string
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF_ALPHABET = string.ascii_letters + string.digits


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    ms: float
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass
class Visitor:
    """Who a request comes from: anonymous, a member signed in by session, or an API token."""

    session_key: str | None = None
    token: str | None = None
    user_id: int | None = None
    csrf: str = field(default_factory=lambda: "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32)))

    def headers(self) -> dict[str, str]:
        cookies = {"csrftoken": self.csrf}
        if self.session_key:
            cookies["sessionid"] = self.session_key
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        return sent


ANONYMOUS = Visitor()


class Client:
    """One keep-alive connection to the site; not shared between threads."""

    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def get(self, path: str, *, visitor: Visitor = ANONYMOUS, accept: str = "text/html") -> Answer:
        return self.request("GET", path, visitor=visitor, accept=accept)

    def post_form(self, path: str, data: dict[str, str], *, visitor: Visitor) -> Answer:
        body = urlencode({**data, "csrfmiddlewaretoken": visitor.csrf}).encode()
        return self.request(
            "POST",
            path,
            visitor=visitor,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        visitor: Visitor = ANONYMOUS,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        accept: str = "text/html",
    ) -> Answer:
        sent = {
            "Host": f"{self.host}:{self.port}",
            "Accept": accept,
            **visitor.headers(),
            **(headers or {}),
        }
        started = time.perf_counter()
        answer: Answer
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            answer = Answer(
                status=response.status,
                ms=(time.perf_counter() - started) * 1000,
                body=data,
                headers={k.lower(): v for k, v in response.getheaders()},
            )
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            answer = Answer(status=0, ms=(time.perf_counter() - started) * 1000, error=repr(exc))
        return answer

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn
