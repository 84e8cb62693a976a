"""A webhook receiver for the tests: a real HTTP (or HTTPS) server on loopback that verifies
every request as the Standard Webhooks specification says and keeps what it got, and a test CA
made with the openssl command line."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import ssl
import subprocess
import threading
import time

TOLERANCE_S = 300  # the specification's suggested tolerance for webhook-timestamp


def verify(secret, headers, body):
    """Returns the problem with a delivery, or None when it verifies: the signature over
    id.timestamp.body with the secret's bytes, and a timestamp within the tolerance."""
    if not secret.startswith("whsec_"):
        return "secret without whsec_"
    key = base64.b64decode(secret[len("whsec_"):])
    msg_id = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sigs = headers.get("webhook-signature")
    if not (msg_id and ts and sigs):
        return "missing webhook-* headers"
    if abs(time.time() - int(ts)) > TOLERANCE_S:
        return "timestamp outside the tolerance"
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for sig in sigs.split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, want):
            return None
    return "no valid v1 signature"


class Receiver:
    """Records each request as a dict {id, at (monotonic arrival), timestamp, body (parsed),
    raw, problem}. status is what it
    answers (a number, or a callable taking the request count); hold, when set, is an Event the
    handler waits on before answering (a request in flight)."""

    def __init__(self, secret=None, port=0, tls=None):
        self.secret = secret
        self.port = port
        self.tls = tls  # (certfile, keyfile)
        self.status = 200
        self.headers = {}    # more response headers (a Location, say)
        self.body_size = 2   # bytes of the answer's body
        self.answer = None   # or the answer's body (bytes), in place of body_size bytes
        self.hold = None
        self.got = []
        self.lock = threading.Condition()
        self.server = None

    @property
    def url(self):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/hook"

    def start(self):
        rx = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(n)
                problem = verify(rx.secret, self.headers, body) if rx.secret else "no secret"
                entry = {"id": self.headers.get("webhook-id"), "at": time.monotonic(),
                         "timestamp": self.headers.get("webhook-timestamp"),
                         "problem": problem, "raw": body}
                try:
                    entry["body"] = json.loads(body)
                except ValueError:
                    entry["body"] = None
                with rx.lock:
                    rx.got.append(entry)
                    count = len(rx.got)
                    rx.lock.notify_all()
                if rx.hold is not None:
                    rx.hold.wait(30)
                status = rx.status(count) if callable(rx.status) else rx.status
                try:
                    self.send_response(status)
                    for k, v in rx.headers.items():
                        self.send_header(k, v)
                    if rx.answer is not None:
                        self.send_header("content-length", str(len(rx.answer)))
                        self.end_headers()
                        self.wfile.write(rx.answer)
                        return
                    self.send_header("content-length", str(rx.body_size))
                    self.end_headers()
                    left = rx.body_size
                    while left > 0:
                        chunk = min(left, 65536)
                        self.wfile.write(b"k" * chunk)
                        left -= chunk
                except OSError:
                    pass  # the daemon went away meanwhile

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 128  # the default 5 drops SYNs of a burst: 1 s retransmits

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_for(self, pred, timeout=20, what="deliveries"):
        """Waits until pred(list of deliveries) is true; returns the list."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not pred(self.got):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out waiting for {what}; got {self.got}")
                self.lock.wait(left)
            return list(self.got)


def free_port():
    """A loopback port nothing listens on (bound and released)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_ca(d, name):
    """A CA (key and self-signed certificate) in d, made with the openssl command line.
    Returns (cert, key) paths."""
    key, cert = os.path.join(d, f"{name}.key"), os.path.join(d, f"{name}.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                   check=True, capture_output=True)
    return cert, key


def make_server_cert(d, ca):
    """A certificate for 127.0.0.1 and localhost signed by ca. Returns (cert, key) paths."""
    key, csr = os.path.join(d, "server.key"), os.path.join(d, "server.csr")
    cert, ext = os.path.join(d, "server.pem"), os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1],
                    "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext],
                   check=True, capture_output=True)
    return cert, key
