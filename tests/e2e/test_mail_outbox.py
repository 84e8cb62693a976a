"""Mail at least once: a message is written to the store's outbox in the transaction of its
event and leaves it only when the mail command accepted it (exit 0). A daemon killed -9 while the
command holds the message sends it again at its next start, with the same Message-ID and Date; a
command that refuses it is tried again, the same message. The command here blocks on a FIFO the
test writes its exit code into, so the test decides when sending ends, without sleeps."""
import email
import email.policy
import glob
import os
import stat

import pytest

from gltest import Daemon, wait_until
from helpers import make_profile
from test_publishing_state import Publisher

FROM = "greenlight@agency.example"


class Sendmail(Publisher):
    """A mail command that keeps each message it is given (attempt.*), then waits for its exit
    code on the FIFO (release(code))."""

    def __init__(self, tmpdir):
        super().__init__(tmpdir)
        self.box = os.path.join(tmpdir, "box")
        os.mkdir(self.box)
        with open(self.path, "w") as f:
            f.write("#!/bin/sh\n"
                    f't=$(mktemp "{self.box}/.part.XXXXXX")\ncat > "$t"\n'
                    f'mv "$t" "{self.box}/attempt.$(date +%s%N).$$"\n'
                    f'echo x >> "{self.runs}"\n'
                    f'echo $$ > "{self.started}.tmp" && mv "{self.started}.tmp" "{self.started}"\n'
                    f'read code < "{self.fifo}"\n'
                    'exit "$code"\n')
        os.chmod(self.path, os.stat(self.path).st_mode | stat.S_IXUSR)

    def messages(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.box, "attempt.*"))):
            with open(p, "rb") as f:
                out.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return out


@pytest.fixture
def sm(tmpdir_path):
    s = Sendmail(tmpdir_path)
    yield s
    if os.path.exists(s.started):
        try:
            os.kill(s.pid(), 9)
        except (ProcessLookupError, ValueError):
            pass


def start(tmpdir_path, sm, *extra):
    return Daemon(os.path.join(tmpdir_path, "data"),
                  ["--sendmail", sm.path, "--mail-from", FROM, *extra]).start()


def sent_count(d):
    """Messages recorded as accepted (and so gone from the outbox) in this daemon's log."""
    return d.log().count("mail: sent id=")


def mail_a_link(admin, prof, to):
    return admin.call("link.create", profile=prof, kind="collab", email=to)


def test_kill9_while_the_command_holds_it_sends_it_again_the_same(tmpdir_path, sm):
    d = start(tmpdir_path, sm)
    try:
        admin = d.client()
        prof = make_profile(admin)
        link = mail_a_link(admin, prof, "zoe@client.example")
        sm.wait_started(1)
        d.kill9()
        os.kill(sm.pid(), 9)  # the killed daemon's command: whether it sent is unknown
        os.unlink(sm.started)
        d.start()
        sm.wait_started(2)
        assert sm.release(0)
        first, again = sm.messages()
        assert first["To"] == again["To"] == "zoe@client.example"
        assert link["url"] in again.get_content()
        assert first["Message-ID"] == again["Message-ID"]
        assert first["Date"] == again["Date"]
        # Accepted, it left the outbox: the next mail is the only one to go, not the first again.
        admin = d.client()
        mail_a_link(admin, prof, "paul@client.example")
        sm.wait_started(3)
        assert sm.release(0)
        msgs = sm.messages()
        assert [m["To"] for m in msgs] == ["zoe@client.example"] * 2 + ["paul@client.example"]
        assert msgs[2]["Message-ID"] != first["Message-ID"]
        wait_until(lambda: sent_count(d) == 2, what="both recorded sent")
        d.stop()
        # And a clean restart sends nothing more.
        d.start()
        admin = d.client()
        mail_a_link(admin, prof, "anna@client.example")
        sm.wait_started(4)
        assert sm.release(0)
        assert [m["To"] for m in sm.messages()][3:] == ["anna@client.example"]
    finally:
        d.stop()


def test_a_refused_message_is_tried_again_the_same(tmpdir_path, sm):
    d = start(tmpdir_path, sm, "--mail-retry-ms", "50")
    try:
        admin = d.client()
        prof = make_profile(admin)
        mail_a_link(admin, prof, "zoe@client.example")
        sm.wait_started(1)
        assert sm.release(75)  # EX_TEMPFAIL
        sm.wait_started(2)
        assert sm.release(0)
        first, again = sm.messages()
        assert first["Message-ID"] == again["Message-ID"]
        assert first.get_content() == again.get_content()
        wait_until(lambda: "mail: the mail command failed" in d.log(),
                   what="the failure logged")
    finally:
        d.stop()


def test_a_clean_stop_keeps_a_message_the_command_did_not_accept(tmpdir_path, sm):
    d = start(tmpdir_path, sm)
    admin = d.client()
    prof = make_profile(admin)
    mail_a_link(admin, prof, "zoe@client.example")
    sm.wait_started(1)
    os.kill(sm.pid(), 9)  # it dies before accepting it
    os.unlink(sm.started)
    wait_until(lambda: "mail: the mail command failed" in d.log(),
               what="the failure logged")
    d.stop()
    d.start()
    try:
        sm.wait_started(2)
        assert sm.release(0)
        first, again = sm.messages()
        assert first["Message-ID"] == again["Message-ID"]
    finally:
        d.stop()
