"""A TLS front for the emulator, so a benchmark run pays what Lambda pays: a TLS handshake to
DynamoDB and SES (and the crypto library's first use of randomness) on the first call.

Makes a throw-away CA and a certificate for 127.0.0.1/localhost with the openssl CLI, accepts TLS on
127.0.0.1 and passes each HTTP request on to the emulator's plain HTTP port. The emulator closes its
connection after every response; AWS endpoints keep theirs open. So the front keeps the client's
connection open (HTTP/1.1 keep-alive) and opens one to the emulator per request: a warm function
reuses its TLS connection, as on Lambda, instead of paying a handshake per call. The function
trusts the CA through AWS_CA_BUNDLE, which names the roots it trusts by default (Amazon's, from
src/tls/) plus this CA: loading the roots costs about what it costs on Lambda.
"""

import asyncio
import ssl
import subprocess
import threading
from pathlib import Path

AMAZON_ROOTS = Path(__file__).resolve().parent.parent / "src" / "tls" / "amazon-trust-services.pem"


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """Returns (server certificate chain, server key, CA bundle for AWS_CA_BUNDLE)."""
    directory.mkdir(parents=True, exist_ok=True)
    # RSA 2048, as the certificates of AWS endpoints (DynamoDB, SES): a client pays for verifying
    # the key type the server presents.
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench local CA",
             cwd=directory)
    _openssl("req", "-newkey", "rsa:2048", "-nodes",
             "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=directory)
    (directory / "server.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
             cwd=directory)
    bundle = directory / "roots.pem"
    bundle.write_text(AMAZON_ROOTS.read_text() + (directory / "ca.pem").read_text())
    return directory / "server.pem", directory / "server.key", bundle


class TlsFront:
    """Terminates TLS on 127.0.0.1:<port> and forwards to 127.0.0.1:<backend_port>."""

    def __init__(self, backend_port: int, directory: Path):
        cert, key, self.ca_bundle = make_certificates(directory)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.backend_port = backend_port
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait(10)
        self.url = f"https://127.0.0.1:{self.port}"

    def _serve(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._forward, "127.0.0.1", 0, ssl=self.context))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _forward(self, client_reader, client_writer):
        """Serves one client connection: request after request until the client closes it."""
        try:
            while True:
                head = await client_reader.readuntil(b"\r\n\r\n")
                length = int(_header(head, b"content-length") or 0)
                body = await client_reader.readexactly(length) if length else b""
                client_writer.write(await self._exchange(head, body))
                await client_writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                client_writer.close()
            except Exception:  # the client is already gone
                pass

    async def _exchange(self, head, body):
        """Sends one request to the emulator and returns its response framed for keep-alive."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        try:
            writer.write(_without(head, b"connection", close=b"Connection: close") + body)
            await writer.drain()
            response = await reader.read()
        finally:
            writer.close()
        response_head, _, payload = response.partition(b"\r\n\r\n")
        if (_header(response_head + b"\r\n\r\n", b"transfer-encoding") or b"").lower() == b"chunked":
            payload = _dechunk(payload)
        response_head = _without(response_head + b"\r\n\r\n", b"connection", b"content-length",
                                 b"transfer-encoding", close=b"Content-Length: %d" % len(payload))
        return response_head + payload


def _header(head, name):
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _without(head, *names, close):
    """The head without the named headers, with `close` appended as the last header."""
    lines = [line for line in head.split(b"\r\n") if line]
    kept = [lines[0]] + [line for line in lines[1:] if line.partition(b":")[0].strip().lower() not in names]
    return b"\r\n".join(kept + [close]) + b"\r\n\r\n"


def _dechunk(payload):
    out = bytearray()
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        payload = rest[size + 2:]
    return bytes(out)
