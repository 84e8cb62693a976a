"""A small MessagePack-RPC client for the tests and scripts: the wire format of protocol/README.md."""
import queue
import socket
import threading
import time

import msgpack


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RpcClient:
    """One connection. call() sends a request and waits for its response; notifications that
    arrive meanwhile are queued in .events."""

    def __init__(self, host, port, timeout=30, source=None):
        """source: a local address to connect from (another loopback address: another peer)."""
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.unpacker = msgpack.Unpacker(raw=False, max_buffer_size=64 << 20)
        self.msgid = 0
        self.events = queue.Queue()
        self.lock = threading.Lock()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_message(self):
        """The next message of any type, or None when the daemon closed the connection."""
        while True:
            for msg in self.unpacker:
                return msg
            data = self.sock.recv(1 << 16)
            if not data:
                return None
            self.unpacker.feed(data)

    def call_raw(self, method, params=None):
        """Returns the whole response [1, msgid, error, result]."""
        with self.lock:
            self.msgid += 1
            msgid = self.msgid
            self.sock.sendall(msgpack.packb([0, msgid, method, [params or {}]], use_bin_type=True))
            while True:
                msg = self.read_message()
                if msg is None:
                    raise ConnectionError("connection closed by the daemon")
                if msg[0] == 2:
                    self.events.put(msg[2][0] if msg[2] else None)
                    continue
                if msg[0] == 1 and msg[1] == msgid:
                    return msg

    def call(self, method, **params):
        resp = self.call_raw(method, params)
        if resp[2] is not None:
            raise RpcError(resp[2]["code"], resp[2]["message"])
        return resp[3]

    def wait_event(self, pred=lambda e: True, timeout=10):
        """Waits for an event matching pred, reading the socket as needed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                while True:
                    ev = self.events.get_nowait()
                    if pred(ev):
                        return ev
            except queue.Empty:
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching event")
            self.sock.settimeout(left)
            try:
                msg = self.read_message()
            except socket.timeout:
                continue
            finally:
                self.sock.settimeout(30)
            if msg is None:
                raise ConnectionError("connection closed by the daemon")
            if msg[0] == 2:
                self.events.put(msg[2][0] if msg[2] else None)
