"""The benchmark's raw keep-alive HTTP client counts answers and failures right."""

import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.load.http import http_rate
from bench.load.orders import upsert_request


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        reply = b'{"ok": true, "echo": %d}' % len(body)
        self.send_response(201 if b"UPS000001" not in self.path.encode() else 400)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def test_http_rate_sends_every_request_over_keep_alive_connections_and_counts_failures():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        requests = [upsert_request(n, token="t", distinct=3) for n in range(30)]
        base_url = f"http://127.0.0.1:{server.server_port}"
        with ThreadPoolExecutor(1) as fresh:  # its own thread: a Playwright test may leave a loop running in this one
            result = fresh.submit(http_rate, base_url=base_url, requests=requests, concurrency=4).result(60)
    finally:
        server.shutdown()
        server.server_close()
    assert result["requests"] == 30
    assert result["failures"] == 10  # UPS000001 answers 400: every third request
    assert result["rps"] > 0 and result["client_cpu_ms"] >= 0
