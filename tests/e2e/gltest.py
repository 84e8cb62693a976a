"""The end-to-end harness the tests import: a real greenlightd on ephemeral loopback ports with a
temporary data directory (Daemon), RPC clients over real sockets (RpcClient, from glrpc) and
polling (wait_until). conftest.py holds only the fixtures made from these; pytest advises
against importing conftest.

Environment: GL_BIN, the directory holding greenlightd (default: bin/ of the repository);
GL_WRAP, a command put in front of the daemon (e.g. "valgrind --error-exitcode=99")."""
import os
import shlex
import signal
import subprocess
import threading
import time

from glrpc import RpcClient, RpcError  # noqa: F401  (re-exported for the tests)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN_DIR = os.environ.get("GL_BIN", os.path.join(ROOT, "bin"))
# The compiled catalogues of the build beside BIN_DIR (bin -> build/locale, bin-asan ->
# build-asan/locale), unless GL_LOCALE_DIR says (make test-e2e does).
LOCALE_DIR = os.environ.get("GL_LOCALE_DIR") or os.path.join(
    os.path.dirname(BIN_DIR), os.path.basename(BIN_DIR).replace("bin", "build", 1), "locale")


class Daemon:
    """One greenlightd process over a data directory that outlives restarts."""

    def __init__(self, data_dir, extra_args=(), demo=False):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.demo = demo
        self.bin_dir = BIN_DIR
        self.proc = None
        self.rpc_port = self.http_port = None
        self.stdout_lines = []
        self.log_path = os.path.join(os.path.dirname(data_dir), "greenlightd.log")
        self.clients = []

    @property
    def admin_password(self):
        with open(os.path.join(self.data_dir, "initial-admin-password")) as f:
            return f.read().strip()

    def start(self, timeout=30):
        args = [os.path.join(self.bin_dir, "greenlightd"), "--data", self.data_dir,
                "--rpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
                "--locale-dir", LOCALE_DIR] + self.extra_args
        if self.demo:
            args.append("--demo")
        wrap = shlex.split(os.environ.get("GL_WRAP", ""))
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(wrap + args, stdout=subprocess.PIPE, stderr=log,
                                     stdin=subprocess.DEVNULL)
        log.close()
        self.rpc_port = self.http_port = None
        ready = threading.Event()

        def drain(proc=self.proc):
            for raw in proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                self.stdout_lines.append(line)
                if line.startswith("rpc "):
                    self.rpc_port = int(line.rsplit(":", 1)[1])
                elif line.startswith("http "):
                    self.http_port = int(line.rsplit(":", 1)[1])
                elif line == "ready":
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(timeout) or self.rpc_port is None:
            self.proc.kill()
            raise RuntimeError("greenlightd did not start:\n" + self.log_tail())
        return self

    def log(self):
        """All the daemon has logged so far, in this data directory's log (every start)."""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def log_tail(self, n=40):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def client(self, user="admin", password=None, login=True):
        c = RpcClient("127.0.0.1", self.rpc_port)
        self.clients.append(c)
        if login:
            c.call("auth.login", user=user,
                   password=password if password is not None else self.admin_password)
        return c

    def close_clients(self):
        for c in self.clients:
            c.close()
        self.clients = []

    def stop(self, timeout=30):
        """SIGTERM, and the exit status (0 for a clean shutdown)."""
        self.close_clients()
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill9(self):
        self.close_clients()
        self.proc.kill()
        self.proc.wait()

    def restart(self):
        self.stop()
        return self.start()

    def alive(self):
        return self.proc.poll() is None

    def rss_kib(self):
        """The daemon's resident memory in KiB, as the kernel counts it (VmRSS)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def wait_until(pred, timeout=10, interval=0.02, what="condition"):
    """Polls pred until it is true; for conditions that have no event to wait on."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)
