#!/usr/bin/env python3
"""A DNS server on 127.0.0.1 for the tests, built on dnslib: it answers from a zone file (BIND
syntax, as `consultation-admin dns --zone` prints it), read again for every question so a test
can take a record away between two runs of doctor.

    dns_server.py ZONE_FILE     prints the UDP port it listens on, then serves until killed

A name with no record of the asked type gets an empty answer (NOERROR); an unknown name NXDOMAIN;
a CNAME is given for any type asked of its name, as a real server does.
"""

import socketserver
import sys
import threading

from dnslib import QTYPE, RCODE, RR, DNSRecord


def zone(path):
    try:
        with open(path) as text:
            return RR.fromZone(text.read())
    except FileNotFoundError:
        return []


class Answer(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        question = DNSRecord.parse(data)
        reply = question.reply()
        name, qtype = question.q.qname, question.q.qtype
        records = [rr for rr in zone(self.server.zone_path) if rr.rname == name]
        if not records:
            reply.header.rcode = RCODE.NXDOMAIN
        for rr in records:
            if rr.rtype == qtype or rr.rtype == QTYPE.CNAME:
                reply.add_answer(rr)
        sock.sendto(reply.pack(), self.client_address)


def main():
    server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Answer)
    server.zone_path = sys.argv[1]
    print(server.server_address[1], flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Until the test's process closes our standard input (or kills us).
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
