"""A local stand-in for the SMS providers' APIs that checks each request's signature as the providers document it.

Alibaba Cloud: the SDK signs with ACS3-HMAC-SHA256 (the v3 signature: canonical request of method, path, sorted
query, the signed headers and the body's SHA-256). Tencent Cloud: TC3-HMAC-SHA256 (key derived from the date and
the service). The HTTP gateway: HMAC-SHA256 over "<timestamp>." + body. A request whose signature does not check
out is answered as the provider would refuse it, and recorded as not verified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALIBABA_KEY, ALIBABA_SECRET = "LTAI-test-key", "alibaba-test-secret"
TENCENT_ID, TENCENT_KEY = "AKID-test-id", "tencent-test-key"
GATEWAY_SECRET = "gateway-test-secret"


@dataclass
class Call:
    provider: str
    verified: bool
    query: dict
    headers: dict
    body: bytes
    json: dict = field(default_factory=dict)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def alibaba_verify(method: str, target: str, headers, body: bytes) -> bool:
    """Check the ACS3-HMAC-SHA256 Authorization header the way Alibaba Cloud's gateway does."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("ACS3-HMAC-SHA256 "):
        return False
    parts = dict(item.split("=", 1) for item in auth.removeprefix("ACS3-HMAC-SHA256 ").split(","))
    if parts.get("Credential") != ALIBABA_KEY or headers.get("x-acs-content-sha256") != _sha256(body):
        return False
    url = urlsplit(target)
    query = sorted(parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(f"{key}={quote(value, safe='~')}" for key, value in query)
    signed = parts["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical = f"{method}\n{url.path or '/'}\n{canonical_query}\n{canonical_headers}\n{';'.join(signed)}\n{_sha256(body)}"
    to_sign = f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}"
    expected = hmac.new(ALIBABA_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return "host" in signed and hmac.compare_digest(expected, parts.get("Signature", ""))


def tencent_verify(method: str, target: str, headers, body: bytes) -> bool:
    """Check the TC3-HMAC-SHA256 Authorization header the way Tencent Cloud's API gateway does."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("TC3-HMAC-SHA256 "):
        return False
    parts = dict(item.strip().split("=", 1) for item in auth.removeprefix("TC3-HMAC-SHA256 ").split(","))
    secret_id, date, service, terminator = parts["Credential"].split("/")
    timestamp = int(headers.get("X-TC-Timestamp", "0"))
    if secret_id != TENCENT_ID or terminator != "tc3_request" or service != "sms":
        return False
    if dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d") != date:
        return False
    signed = parts["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical = f"{method}\n{urlsplit(target).path or '/'}\n\n{canonical_headers}\n{';'.join(signed)}\n{_sha256(body)}"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{_sha256(canonical.encode())}"

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + TENCENT_KEY).encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def gateway_verify(headers, body: bytes) -> bool:
    """Check the gateway's X-Signature header: sha256=hex(HMAC-SHA256(secret, "<timestamp>." + body))."""
    timestamp = headers.get("X-Signature-Timestamp", "")
    expected = "sha256=" + hmac.new(GATEWAY_SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Signature", ""))


class ProviderServer:
    """An HTTP server on 127.0.0.1 and a free port, in a thread, answering as the providers do.

    ``answers`` maps a provider to a function of the call returning (HTTP status, JSON body), to make a
    provider refuse or fail; by default each accepts and returns a fresh id.
    """

    def __init__(self):
        self.calls: list[Call] = []
        self.answers: dict = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                status, answer = server.handle(self.command, self.path, self.headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, method, target, headers, body):
        query = dict(parse_qsl(urlsplit(target).query, keep_blank_values=True))
        if headers.get("x-acs-action"):
            call = Call("alibaba", alibaba_verify(method, target, headers, body), query, dict(headers), body)
            self.calls.append(call)
            if not call.verified:
                return 400, {"Code": "SignatureDoesNotMatch", "Message": "signature mismatch"}
            if "alibaba" in self.answers:
                return self.answers["alibaba"](call)
            return 200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(self.calls)}", "RequestId": "req-1"}
        if headers.get("X-TC-Action"):
            call = Call("tencent", tencent_verify(method, target, headers, body), query, dict(headers), body,
                        json.loads(body or b"{}"))
            self.calls.append(call)
            if not call.verified:
                return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"},
                                          "RequestId": "req-2"}}
            if "tencent" in self.answers:
                return self.answers["tencent"](call)
            return 200, {"Response": {"SendStatusSet": [{
                "SerialNo": f"sn-{len(self.calls)}", "PhoneNumber": call.json["PhoneNumberSet"][0], "Fee": 1,
                "SessionContext": call.json.get("SessionContext", ""), "Code": "Ok", "Message": "send success",
                "IsoCode": "CN"}], "RequestId": "req-3"}}
        call = Call("gateway", gateway_verify(headers, body), query, dict(headers), body, json.loads(body or b"{}"))
        self.calls.append(call)
        if not call.verified:
            return 403, {"detail": "bad signature"}
        if "gateway" in self.answers:
            return self.answers["gateway"](call)
        return 200, {"id": f"gw-{len(self.calls)}"}
