"""The weekly digest against a real SMTP server started by the tests: aiosmtpd in its own process
(tests/smtp_server.py), STARTTLS and AUTH required, its certificate issued by a CA made here (trustme).

The map: the bundled one, with two team members given emails and three organisations given intervals long passed
(SYNTHETIC values), and a third member with an email but nothing due.
"""
import datetime as dt
import email
import os
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import icalendar
import pytest
import vobject

from lasdash import cli, clock, edits, pipeline

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "lasdash-digest", "correct horse battery staple"
MD, HOP, CE = "md.test@example.org", "hop.test@example.org", "ce.test@example.org"
SENDER = "lasdash-digest@example.org"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Smtp:
    def __init__(self, folder: Path, cert: Path, key: Path, password: str = PASSWORD):
        self.folder, self.port = folder, _free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "smtp_server.py"), str(self.port), str(cert),
                                      str(key), USER, password, str(folder)], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "READY"

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)

    def messages(self) -> list[tuple[email.message.EmailMessage, list[str]]]:
        """Each message received, parsed, with the envelope's recipients."""
        out = []
        for eml in sorted(self.folder.glob("*.eml")):
            parsed = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
            out.append((parsed, eml.with_suffix(".rcpt").read_text().split("\n")))
        return out


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    import trustme
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    issued.private_key_pem.write_to_path(str(folder / "key.pem"))
    issued.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    for pem in issued.cert_chain_pems[1:]:
        with open(folder / "cert.pem", "ab") as fh:
            fh.write(pem.bytes())
    return folder


@pytest.fixture
def smtp(tmp_path, certificates, monkeypatch):
    server = Smtp(tmp_path / "mail", certificates / "cert.pem", certificates / "key.pem")
    monkeypatch.setenv("LASDASH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LASDASH_SMTP_PORT", str(server.port))
    monkeypatch.setenv("LASDASH_SMTP_USER", USER)
    monkeypatch.setenv("LASDASH_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("LASDASH_SMTP_FROM", SENDER)
    monkeypatch.setenv("LASDASH_SMTP_CA_FILE", str(certificates / "ca.pem"))
    monkeypatch.delenv("LASDASH_BASE_URL", raising=False)
    yield server
    server.stop()


def _due_map(store, **emails) -> None:
    """Two members with due items (and CE with an email, nothing due); SYNTHETIC intervals long passed."""
    tables = edits.update_team(store.read_all(store.current_id()), {
        "LT04": {"email": emails.get("md", MD), "name": emails.get("md_name", "Dr Test Medical Director")},
        "LT09": {"email": emails.get("hop", HOP)}, "LT01": {"email": CE}}, "tests", clock.today())
    tables = edits.assess_organisations(tables, {
        "ORG-lfb": {"las_owner": "Medical Director", "contact_every_days": 30},
        "ORG-london-councils": {"las_owner": "Dr Test Medical Director", "contact_every_days": 90},
        "ORG-gla": {"las_owner": "Head of Partnerships", "contact_every_days": 60}})
    assert pipeline.save_edit(store, store.current_id(), tables, author="tests (synthetic)").manifest


def digest(*args: str) -> int:
    return cli.main(["digest", "--by", "tests", *args])


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def _calendar(msg) -> bytes:
    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "reminders.ics" and part.get_param("method") == "PUBLISH"
    return part.get_content().encode() if isinstance(part.get_content(), str) else part.get_content()


def test_each_member_with_something_due_gets_one_message_of_their_own_and_a_rerun_sends_nothing(store, smtp, capsys):
    _due_map(store)
    assert digest() == 0
    got = {rcpt[0]: msg for msg, rcpt in smtp.messages()}
    assert set(got) == {MD, HOP}  # CE has an email but nothing due: no empty message
    md, hop = _text(got[MD]), _text(got[HOP])
    assert "London Fire Brigade" in md and "London Councils" in md and "Greater London Authority" not in md
    assert "Greater London Authority" in hop and "London Fire Brigade" not in hop
    assert got[MD]["To"] == f"Dr Test Medical Director <{MD}>" and got[MD]["From"] == SENDER
    assert got[MD]["Subject"] == "LAS relationships: 2 overdue or never contacted"
    html = got[MD].get_body(preferencelist=("html",)).get_content()
    assert "<li>" in html and "London Fire Brigade" in html
    for msg in got.values():  # the .ics of the same items, read by two independent parsers
        ics = _calendar(msg)
        events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
        assert len(events) == len(vobject.readOne(ics.decode()).vevent_list) == _text(msg).count("- ")
    assert "Sent 2, failed 0." in capsys.readouterr().err
    notices = store.notices()
    assert sorted(n["to"] for n in notices) == [HOP, MD] and {n["by"] for n in notices} == {"tests"}

    assert digest() == 0  # the same day: nothing new
    assert len(smtp.messages()) == 2 and len(store.notices()) == 2
    assert "Already sent today: 2 message(s)" in capsys.readouterr().err


def test_dry_run_prints_every_message_and_sends_and_records_nothing(store, smtp, capsys):
    _due_map(store)
    assert digest("--dry-run") == 0
    out = capsys.readouterr().out
    assert out.count("Subject: LAS relationships:") == 2 and f"<{MD}>" in out and "BEGIN:VCALENDAR" not in out
    assert smtp.messages() == [] and store.notices() == []


def test_to_sends_every_message_to_one_reviewer_without_counting_as_sent(store, smtp):
    _due_map(store)
    assert digest("--to", "reviewer@example.org") == 0
    assert [rcpt for _, rcpt in smtp.messages()] == [["reviewer@example.org"]] * 2
    assert digest() == 0  # the members still get theirs
    assert sorted(rcpt[0] for _, rcpt in smtp.messages()) == sorted(["reviewer@example.org"] * 2 + [MD, HOP])


@pytest.mark.parametrize("fault", ["wrong password", "untrusted certificate", "stopped server", "no host"])
def test_an_unusable_server_is_one_line_and_exit_2_with_nothing_recorded(store, smtp, monkeypatch, capsys, fault):
    _due_map(store)
    if fault == "wrong password":
        monkeypatch.setenv("LASDASH_SMTP_PASSWORD", "wrong")
        said = "refused the login for lasdash-digest"
    elif fault == "untrusted certificate":
        monkeypatch.delenv("LASDASH_SMTP_CA_FILE")
        said = "certificate is not trusted"
    elif fault == "stopped server":
        smtp.stop()
        said = "cannot reach the mail server"
    else:
        monkeypatch.delenv("LASDASH_SMTP_HOST")
        said = "LASDASH_SMTP_HOST is not set"
    assert digest() == 2
    err = capsys.readouterr().err
    assert said in err and "Nothing was sent or recorded." in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and store.notices() == []
    if fault != "stopped server":
        assert smtp.messages() == []


def test_one_refused_recipient_does_not_stop_the_others(store, smtp, capsys):
    _due_map(store, md="refused.md@example.org")
    assert digest() == 1  # partly sent
    assert [rcpt for _, rcpt in smtp.messages()] == [[HOP]]
    err = capsys.readouterr().err
    assert "Not sent to refused.md@example.org (Medical Director): refused 550 5.1.1 No such mailbox here" in err
    assert "Sent 1, failed 1." in err
    assert [n["to"] for n in store.notices()] == [HOP]  # the refused one is not recorded as sent


@pytest.mark.parametrize(("name", "address"), [
    ("Evil\r\nBcc: victim@evil.example", MD),  # a name cannot add a header
    ("Dr Test Medical Director", f"{MD}, victim@evil.example"),  # an email cell cannot add a recipient
    ("Dr Test Medical Director", f"{MD}\r\nBcc: victim@evil.example"),
])
def test_a_name_or_address_cannot_add_a_header_or_a_recipient(store, smtp, name, address):
    _due_map(store, md=address, md_name=name)
    digest()
    for msg, rcpt in smtp.messages():
        assert "victim@evil.example" not in " ".join(rcpt)
        [to] = msg["To"].addresses  # one address: a name stays a (quoted) display name
        assert to.addr_spec in (MD, HOP) and msg.get("Bcc") is None and len(msg.get_all("To")) == 1
    assert HOP in {r for _, rcpt in smtp.messages() for r in rcpt}  # the others still go


def test_a_server_without_starttls_is_refused_before_any_credential_or_map_data(store, tmp_path, monkeypatch, capsys):
    _due_map(store)
    plain = Smtp(tmp_path / "plain", "-", "-")
    try:
        monkeypatch.setenv("LASDASH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LASDASH_SMTP_PORT", str(plain.port))
        monkeypatch.setenv("LASDASH_SMTP_USER", USER)
        monkeypatch.setenv("LASDASH_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("LASDASH_SMTP_FROM", SENDER)
        assert digest() == 2
        assert "does not offer STARTTLS: refusing to send in clear" in capsys.readouterr().err
        assert plain.messages() == [] and store.notices() == []
    finally:
        plain.stop()


def test_the_digest_runs_as_its_own_process_and_says_what_it_sent(store, smtp, data_dir):
    _due_map(store)
    env = {**os.environ, "LASDASH_DATA_DIR": str(data_dir)}
    run = subprocess.run([sys.executable, "-m", "lasdash", "digest", "--by", "cron"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "Sent 2, failed 0." in run.stderr and len(smtp.messages()) == 2
    assert {n["by"] for n in pipeline.open_store(data_dir).notices()} == {"cron"}


def test_a_notice_is_created_once_on_every_backend_and_read_by_another_replica(any_store, location):
    """Replicas and reruns agree: the second writer of a notice (another store object, as another process or
    replica has) is refused; a withdrawn notice is gone for everyone."""
    day = dt.date(2026, 12, 7)
    key = f"digest-{day:%Y%m%d}-abc"
    other = pipeline.open_store(location)
    assert any_store.record_notice(key, {"to": MD, "by": "tests"}) is True
    assert other.record_notice(key, {"to": HOP, "by": "another replica"}) is False
    [seen] = other.notices()
    assert (seen["key"], seen["to"], seen["by"]) == (key, MD, "tests")
    any_store.withdraw_notice(key)
    assert other.notices() == [] and other.record_notice(key, {"to": HOP}) is True
    with pytest.raises(ValueError):
        any_store.record_notice("../../state", {})
