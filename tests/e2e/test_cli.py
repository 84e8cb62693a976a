"""greenlightd's command line and configuration file."""
import os
import subprocess

from gltest import BIN_DIR, Daemon

GREENLIGHTD = os.path.join(BIN_DIR, "greenlightd")


def run(*args):
    return subprocess.run([GREENLIGHTD, *args], capture_output=True, text=True, timeout=30)


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and "--data DIR" in r.stdout and "--config FILE" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("greenlightd ")
    r = run("--no-such-option")
    assert r.returncode == 2 and "usage" in r.stderr


def test_invalid_config_is_refused_with_line_and_reason(tmpdir_path):
    conf = os.path.join(tmpdir_path, "g.conf")
    with open(conf, "w") as f:
        f.write("# comment\n\nrpc = 127.0.0.1:0\ncolour = blue\n")
    r = run("--config", conf, "--data", os.path.join(tmpdir_path, "d"))
    assert r.returncode == 2
    assert f"{conf}:4: unknown key 'colour'" in r.stderr
    with open(conf, "w") as f:
        f.write("demo = maybe\n")
    r = run("--config", conf)
    assert r.returncode == 2 and ":1: demo is true or false" in r.stderr
    r = run("--config", os.path.join(tmpdir_path, "missing.conf"))
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_config_file_applies_and_command_line_wins(tmpdir_path):
    conf = os.path.join(tmpdir_path, "g.conf")
    log = os.path.join(tmpdir_path, "from-config.log")
    with open(conf, "w") as f:
        # The harness passes --rpc/--http with port 0, which must win over these.
        f.write(f"rpc = 127.0.0.1:1\nhttp = 127.0.0.1:1\ndemo = yes\nlog-file = {log}\n")
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--config", conf]).start()
    try:
        assert d.rpc_port not in (None, 1)
        c = d.client()
        assert len(c.call("profile.list")["profiles"]) == 3  # demo = yes from the file
    finally:
        assert d.stop() == 0
    with open(log) as f:
        assert "listening" in f.read()
