"""A fake SMS gateway on 127.0.0.1 for the tests: it records idempotency keys like a real provider does,
answers 409 to a key it has already accepted (and counts those suppressed duplicates), and can be told to
fail or to be slow."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class GatewayLog:
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → body, first successful send
    order: list[str] = field(default_factory=list)
    suppressed: dict[str, int] = field(default_factory=dict)  # key → duplicates refused
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: list[int] = field(default_factory=list)  # statuses to answer next, one per request
    delay: float = 0.0  # seconds between accepting a key and answering
    # Called with (how many accepted, key) after a key is accepted and before the answer: a crash there is
    # the worst moment (the SMS is out, the worker has not recorded it).
    on_accept: Callable[[int, str], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Gateway:
    def __init__(self) -> None:
        self.log = GatewayLog()
        log = self.log

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                key = self.headers.get("Idempotency-Key", "")
                accepted_now = 0
                with log.lock:
                    log.requests.append(
                        {"key": key, "body": body, "authorization": self.headers.get("Authorization", "")}
                    )
                    if log.fail_with:
                        status, answer = log.fail_with.pop(0), {"error": "injected"}
                    elif key in log.accepted:
                        log.suppressed[key] = log.suppressed.get(key, 0) + 1
                        status, answer = 409, {"error": "duplicate"}
                    else:
                        log.accepted[key] = body
                        log.order.append(key)
                        accepted_now = len(log.order)
                        status, answer = 200, {"id": f"msg-{accepted_now}"}
                if accepted_now and log.on_accept is not None:
                    log.on_accept(accepted_now, key)
                if status == 200 and log.delay:
                    time.sleep(log.delay)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
