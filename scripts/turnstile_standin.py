"""A local stand-in for Cloudflare Turnstile's siteverify, for the browser tests and local runs.

It answers as Cloudflare does for its documented test secret keys, so the function can be tried
with Turnstile on and no internet:
  1x0000000000000000000000000000000AA  always passes
  2x0000000000000000000000000000000AA  always fails (invalid-input-response)
  3x0000000000000000000000000000000AA  the token was already spent (timeout-or-duplicate)
Any other secret is refused as invalid-input-secret. Whatever the secret, a token that starts with
"expired" answers timeout-or-duplicate, as for a person who took longer than 300 s to write, and a
missing token answers missing-input-response. Successes name HOSTNAME (default localhost), or the
host after an "@" in the token, which the widget stand-in below writes as Cloudflare's widget
reports where it ran.

GET /turnstile/v0/api.js answers a stand-in of the widget's script (the real one needs the
internet): it puts a token into each form that has a .cf-turnstile element, and gives
window.turnstile.reset().

    python scripts/turnstile_standin.py --port 8788 [--hostname localhost]
"""

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SECRETS = {
    "1x0000000000000000000000000000000AA": None,
    "2x0000000000000000000000000000000AA": "invalid-input-response",
    "3x0000000000000000000000000000000AA": "timeout-or-duplicate",
}


def verdict(form, hostname):
    secret = form.get("secret", [""])[0]
    token = form.get("response", [""])[0]
    if not secret:
        return {"success": False, "error-codes": ["missing-input-secret"]}
    if secret not in SECRETS:
        return {"success": False, "error-codes": ["invalid-input-secret"]}
    if not token:
        return {"success": False, "error-codes": ["missing-input-response"]}
    error = "timeout-or-duplicate" if token.startswith("expired") else SECRETS[secret]
    if error:
        return {"success": False, "error-codes": [error]}
    if "@" in token:
        hostname = token.rsplit("@", 1)[1]
    return {"success": True, "hostname": hostname, "error-codes": []}


WIDGET = b"""(function () {
  function fill() {
    document.querySelectorAll(".cf-turnstile").forEach(function (widget) {
      var form = widget.closest("form");
      if (!form) return;
      var field = form.querySelector('[name="cf-turnstile-response"]');
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "cf-turnstile-response";
        form.appendChild(field);
      }
      field.value = "XXXX.DUMMY.TOKEN." + Date.now() + "@" + location.hostname;
    });
  }
  window.turnstile = { reset: function () { setTimeout(fill, 300); } };
  fill();
})();
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hostname", default="localhost")
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/turnstile/v0/api.js":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("content-type", "text/javascript")
            self.send_header("content-length", str(len(WIDGET)))
            self.end_headers()
            self.wfile.write(WIDGET)

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            body = json.dumps(verdict(form, args.hostname)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
