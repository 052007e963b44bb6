"""A stand-in HTTP/1.1 JSON service for tests (a gateway, an action server), standard library
only: it also runs inside Rasa's interpreter, which has none of the app's packages."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def json_server(respond: Callable[[dict], dict], seen: list[dict] | None = None) -> Iterator[str]:
    """A stand-in HTTP/1.1 JSON service on 127.0.0.1: every POST's JSON body goes to
    ``respond``, whose dict is the reply; ``seen``, when given, gets each request's client port
    and headers. Yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if seen is not None:
                seen.append({"peer": self.client_address[1], "headers": dict(self.headers)})
            data = json.dumps(respond(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
