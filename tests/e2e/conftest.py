"""The fixtures of the end-to-end tests: a temporary directory, a fresh daemon, a demo daemon, an
admin connection. The harness itself is gltest.py, which the tests import; the names below are
re-exported so that a test still written "from conftest import ..." keeps working."""
import os
import tempfile

import pytest

from gltest import BIN_DIR, ROOT, Daemon, RpcClient, RpcError, wait_until  # noqa: F401


@pytest.fixture
def tmpdir_path():
    with tempfile.TemporaryDirectory(prefix="gl-test-") as d:
        yield d


def _daemon(tmpdir_path, demo, request):
    marker = request.node.get_closest_marker("daemon_args")
    extra = marker.args if marker else ()
    d = Daemon(os.path.join(tmpdir_path, "data"), extra, demo).start()
    yield d
    code = d.stop()
    assert code == 0, f"greenlightd exited with {code}:\n{d.log_tail()}"


@pytest.fixture
def daemon(tmpdir_path, request):
    """A fresh daemon with an empty store (just the admin user)."""
    yield from _daemon(tmpdir_path, False, request)


@pytest.fixture
def demo_daemon(tmpdir_path, request):
    """A daemon started with --demo."""
    yield from _daemon(tmpdir_path, True, request)


@pytest.fixture
def admin(daemon):
    """A connection logged in as admin."""
    return daemon.client()


def pytest_configure(config):
    config.addinivalue_line("markers", "daemon_args(*args): extra greenlightd arguments")
