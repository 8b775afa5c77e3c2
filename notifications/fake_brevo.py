"""A local HTTP server speaking Brevo's transactional SMS API, for tests and the benchmark.

``POST /v3/transactionalSMS/send`` with the ``api-key`` header → 201 ``{"messageId": n}``.
Behaviour is scripted: ``server.script(["500", "ok"])`` makes the next calls answer 500 then
succeed; ``"400"`` answers Brevo's invalid-parameter error, ``"timeout"`` sleeps past the client's
timeout, ``"slow"`` accepts the SMS but answers after ``timeout_sleep`` seconds. Unscripted
calls succeed. Recipients starting with ``"3361999"`` are always refused (400),
which lets a test use an "invalid number" across processes.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "test-api-key"
INVALID_PREFIX = "3361999"


class FakeBrevo:
    def __init__(self, api_key: str = API_KEY, timeout_sleep: float = 3.0):
        self.api_key = api_key
        self.timeout_sleep = timeout_sleep
        self.requests: list[dict] = []
        self.received = 0  # POSTs received so far, answered or not (a "slow" one is in flight)
        self._script: list[str] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1511882900176220)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"

    def start(self) -> FakeBrevo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, behaviours: list[str]) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def accepted(self) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["status"] == 201]

    def _next(self, recipient: str) -> str:
        with self._lock:
            if recipient.startswith(INVALID_PREFIX):
                return "400"
            return self._script.pop(0) if self._script else "ok"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean (and phone numbers out of logs)
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                with server._lock:
                    server.received += 1
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != "/v3/transactionalSMS/send":
                    return self._answer(404, {"code": "not_found", "message": "Not found"})
                if self.headers.get("api-key") != server.api_key:
                    return self._answer(401, {"code": "unauthorized", "message": "Key not found"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._answer(400, {"code": "bad_request", "message": "Invalid JSON"})
                missing = [k for k in ("sender", "recipient", "content") if not body.get(k)]
                behaviour = "400" if missing else server._next(str(body.get("recipient", "")))
                record = {
                    "body": body,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "behaviour": behaviour,
                }
                if behaviour == "timeout":
                    time.sleep(server.timeout_sleep)
                    record["status"] = 504
                    server.requests.append(record)
                    return self._answer(504, {"code": "timeout"})
                if behaviour == "slow":  # accepted, but answers late (a worker may die meanwhile)
                    time.sleep(server.timeout_sleep)
                    behaviour = "ok"
                if behaviour == "400":
                    record["status"] = 400
                    server.requests.append(record)
                    return self._answer(400, {"code": "invalid_parameter", "message": "Invalid phone number"})
                if behaviour in ("500", "502", "503"):
                    record["status"] = int(behaviour)
                    server.requests.append(record)
                    return self._answer(int(behaviour), {"code": "internal_error"})
                record["status"] = 201
                record["messageId"] = next(server._ids)
                with server._lock:
                    server.requests.append(record)
                return self._answer(201, {"messageId": record["messageId"]})

        return Handler
