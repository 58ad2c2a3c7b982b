#!/usr/bin/env python3
"""A webhook receiver for the tests: every delivery verified with the Standard Webhooks reference
library (`standardwebhooks`), as a practice's receiver would.

    webhook_receiver.py [STATUS ...]

Listens on a free port of 127.0.0.1 and prints `listening <port>`; reads the endpoint's secret
(`whsec_…`, known once the endpoint is added for that port) as one line of standard input; then
prints one JSON line per request
received: {"verified": bool, "status": answered, "headers": {...}, "body": parsed or text}.
Answers each verified request with the next STATUS given (the last one repeats; 200 when none),
and `400` to one that does not verify. STATUS `silent` never answers.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

STATUSES = sys.argv[1:] or ["200"]
SECRET = [None]
LOCK = threading.Lock()
COUNT = [0]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            Webhook(SECRET[0]).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        with LOCK:
            status = STATUSES[min(COUNT[0], len(STATUSES) - 1)] if verified else "400"
            COUNT[0] += 1
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body
        print(json.dumps({"verified": verified, "status": status, "headers": headers, "body": parsed}), flush=True)
        if status == "silent":
            time.sleep(60)
            return
        self.send_response(int(status))
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
server.daemon_threads = True
print(f"listening {server.server_address[1]}", flush=True)
SECRET[0] = sys.stdin.readline().strip()
server.serve_forever()
