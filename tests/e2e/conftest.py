"""Fixtures: one shared httpd (SQLite) for the session, the error-log check
after each test, and helpers to make users."""
import os

import pytest

from pampsenv import (SANITIZER_DIR, HttpdServer, InstalledServer, new_user, report_texts,
                      sanitizer_reports)


@pytest.fixture(scope="session")
def server():
    if os.environ.get("PAMPS_TEST_INSTALLED"):     # make test-deb
        yield InstalledServer.from_environment().start()
        return
    srv = HttpdServer().start()
    yield srv
    srv.stop()
    srv.cleanup()


@pytest.fixture(autouse=True)
def clean_error_log(request):
    """Fails a test whose run put unexpected warnings or errors in the log."""
    if "server" not in request.fixturenames:
        yield
        return
    srv = request.getfixturevalue("server")
    srv.mark_log()
    yield
    bad = srv.unexpected_log_lines()
    assert not bad, "unexpected lines in the httpd error log:\n" + "\n".join(bad)


@pytest.fixture(autouse=True)
def no_sanitizer_report():
    """Under `make test-asan`: fails a test during which the pamps command
    (or another instrumented program) wrote a sanitizer report."""
    if SANITIZER_DIR is None:
        yield
        return
    before = sanitizer_reports(SANITIZER_DIR)
    yield
    new = report_texts(sanitizer_reports(SANITIZER_DIR) - before)
    assert not new, "sanitizer reports:\n" + "\n".join(new)


@pytest.fixture
def user(server):
    return new_user(server)


@pytest.fixture
def other(server):
    return new_user(server)
