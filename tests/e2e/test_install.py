"""Installation: `make install DESTDIR=... PREFIX=/usr` lays out the programs, manual pages,
unit and configuration; the installed daemon runs from the installed configuration; readiness
reaches systemd's notify socket; `make uninstall` takes it all away again."""
import os
import shutil
import socket
import subprocess

import pytest

from gltest import BIN_DIR, ROOT, Daemon
from helpers import make_post, make_profile

BUILD_BIN = os.path.relpath(BIN_DIR, ROOT) if BIN_DIR.startswith(ROOT) else BIN_DIR


def make(*args):
    # BIN names the programs already built (GL_BIN); BUILD alongside it, so nothing rebuilds.
    build = BUILD_BIN.replace("bin", "build", 1)
    # -o all: install what GL_BIN holds as it is; never rebuild it here with other flags.
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT, "-o", "all",
                           "BIN=" + BUILD_BIN, "BUILD=" + build] + list(args),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def installed(tmpdir_path):
    dest = os.path.join(tmpdir_path, "root")
    r = make("install", "DESTDIR=" + dest, "PREFIX=/usr")
    assert r.returncode == 0, r.stdout + r.stderr
    return dest


def test_layout_and_uninstall(installed):
    want = ["usr/sbin/greenlightd", "usr/bin/greenlight", "usr/share/man/man8/greenlightd.8",
            "usr/share/man/man1/greenlight.1", "etc/greenlight/greenlightd.conf",
            "usr/share/doc/greenlight/greenlightd.conf.example",
            "usr/lib/systemd/system/greenlightd.service"]
    for rel in want:
        assert os.path.isfile(os.path.join(installed, rel)), rel
    assert os.access(os.path.join(installed, "usr/sbin/greenlightd"), os.X_OK)
    unit = open(os.path.join(installed, "usr/lib/systemd/system/greenlightd.service")).read()
    assert "ExecStart=/usr/sbin/greenlightd --config /etc/greenlight/greenlightd.conf" in unit
    assert "Type=notify" in unit and "StateDirectory=greenlight" in unit
    # the manual pages render without a warning
    for page in ("usr/share/man/man8/greenlightd.8", "usr/share/man/man1/greenlight.1"):
        if shutil.which("groff"):
            r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", os.path.join(installed, page)],
                               capture_output=True, text=True, env=dict(os.environ,
                                                                         LC_ALL="C.UTF-8"))
            assert r.returncode == 0 and r.stderr == "", r.stderr
    # an edited configuration survives uninstall; everything else goes
    conf = os.path.join(installed, "etc/greenlight/greenlightd.conf")
    with open(conf, "a") as f:
        f.write("demo = no\n")
    r = make("uninstall", "DESTDIR=" + installed, "PREFIX=/usr")
    assert r.returncode == 0, r.stderr
    left = [os.path.relpath(os.path.join(d, f), installed)
            for d, _, fs in os.walk(installed) for f in fs]
    assert left == ["etc/greenlight/greenlightd.conf"]


def test_installed_daemon_runs_from_installed_config(installed, tmpdir_path):
    example = open(os.path.join(installed, "etc/greenlight/greenlightd.conf")).read()
    data = os.path.join(tmpdir_path, "data")
    conf = os.path.join(tmpdir_path, "greenlightd.conf")
    log = os.path.join(tmpdir_path, "installed.log")
    # the example as shipped, with its addresses and data directory pointed at the test's
    text = example.replace("data = /var/lib/greenlight", "data = " + data)
    text = text.replace("rpc = 127.0.0.1:7411", "rpc = 127.0.0.1:0")
    text = text.replace("http = 127.0.0.1:7412", "http = 127.0.0.1:0")
    text = text.replace("#log-file = /var/log/greenlight/greenlightd.log", "log-file = " + log)
    assert text.count(tmpdir_path) == 2 and "127.0.0.1:0" in text
    with open(conf, "w") as f:
        f.write(text)
    d = Daemon(data, ["--config", conf])
    d.bin_dir = os.path.join(installed, "usr/sbin")
    d.start()
    try:
        c = d.client()
        p = make_profile(c)
        pid = make_post(c, p, "awaiting_approval", caption="installed")
        got = c.call("post.get", id=pid)
        assert got["caption"] == "installed" and got["status"] == "awaiting_approval"
    finally:
        assert d.stop() == 0
    assert "listening rpc=" in open(log).read()


def test_readiness_and_stopping_reach_notify_socket(tmpdir_path):
    for abstract in (False, True):
        name = ("@gl-notify-%d" % os.getpid()) if abstract else os.path.join(tmpdir_path, "n.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind("\0" + name[1:] if abstract else name)
        s.settimeout(30)
        old = os.environ.get("NOTIFY_SOCKET")
        os.environ["NOTIFY_SOCKET"] = name
        try:
            d = Daemon(os.path.join(tmpdir_path, "data")).start()
        finally:
            if old is None:
                del os.environ["NOTIFY_SOCKET"]
            else:
                os.environ["NOTIFY_SOCKET"] = old
        try:
            msg = s.recv(4096).decode()
            assert "READY=1" in msg.split("\n")
            # ready means serving: the RPC port answers
            d.client().call("profile.list")
        finally:
            assert d.stop() == 0
        assert "STOPPING=1" in s.recv(4096).decode().split("\n")
        s.close()


def test_link_defaults_from_config_and_command_line(tmpdir_path):
    import time
    from gltest import RpcError
    conf = os.path.join(tmpdir_path, "g.conf")
    with open(conf, "w") as f:
        f.write("approval-link-days = 7\nlink-password-min = 12\n")
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--config", conf]).start()
    try:
        c = d.client()
        p = make_profile(c)
        link = c.call("link.create", profile=p, kind="approval", approver="Claire")
        assert abs(link["expires_at"] - (time.time() + 7 * 86400)) < 120
        with pytest.raises(RpcError) as e:
            c.call("link.create", profile=p, kind="collab", password="elevenchars")
        assert "at least 12" in str(e.value)
        c.call("link.create", profile=p, kind="collab", password="twelve chars")
    finally:
        assert d.stop() == 0
    # the command line wins over the file
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--config", conf,
                                                   "--approval-link-days", "3"]).start()
    try:
        c = d.client()
        link = c.call("link.create", profile=p, kind="approval", approver="Claire")
        assert abs(link["expires_at"] - (time.time() + 3 * 86400)) < 120
    finally:
        assert d.stop() == 0
    # out of range, in the file (with its line) or on the command line: refused at start
    with open(conf, "w") as f:
        f.write("# defaults\napproval-link-days = 0\n")
    r = subprocess.run([os.path.join(BIN_DIR, "greenlightd"), "--config", conf], text=True,
                       capture_output=True, timeout=30)
    assert r.returncode == 2
    assert f"{conf}:2: approval-link-days is a number from 1 to 3650, not '0'" in r.stderr
    r = subprocess.run([os.path.join(BIN_DIR, "greenlightd"), "--link-password-min", "7"],
                       text=True, capture_output=True, timeout=30)
    assert r.returncode == 2 and "link-password-min is a number from 8" in r.stderr
