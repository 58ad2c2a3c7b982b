#!/usr/bin/env python3
"""moto's server (the AWS emulator), handling one request at a time.

moto runs a DynamoDB transaction by copying the whole table first and copying it back if a condition
fails. Two transactions at once can therefore undo each other's writes, which real DynamoDB, whose
transactions are atomic, never does. Serialising requests makes moto's transactions behave like
DynamoDB's, so tests of concurrent duplicates test our code, not the emulator's race.

Usage: moto_server.py --host 127.0.0.1 --port 5005
"""

import argparse
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def serialised(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            # Consume the whole response inside the lock: WSGI apps may produce it lazily.
            return list(app(environ, start_response))

    return handle


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        serialised(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
