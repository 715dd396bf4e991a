"""make install / uninstall into a DESTDIR: the Debian layout, the module
replaced (never written into, which would crash a running httpd that has it
mapped), an operator's edited pamps.conf kept, and everything taken away
again by uninstall. (The package is make test-deb's.)"""
import os
import subprocess

import pytest

from pampsenv import TOP

MODDIR = subprocess.run(["apxs", "-q", "LIBEXECDIR"], capture_output=True,
                        text=True).stdout.strip() or "/usr/lib/apache2/modules"
EXPECTED = [MODDIR + "/mod_pamps.so", "/etc/apache2/mods-available/pamps.load",
            "/etc/apache2/mods-available/pamps.conf", "/usr/local/bin/pamps",
            "/usr/local/share/man/man8/pamps.8", "/usr/local/share/pamps/sql/sqlite/001_schema.sql",
            "/usr/local/share/pamps/sql/pgsql/001_schema.sql"]


@pytest.fixture(scope="module", autouse=True)
def built():
    assert os.path.exists(os.path.join(TOP, ".libs", "mod_pamps.so")), "make first"


def make(target, destdir):
    r = subprocess.run(["make", "-s", "-C", TOP, target, "DESTDIR=" + destdir],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "dlname" not in r.stdout + r.stderr
    return r


def files(root):
    return sorted(os.path.join(d, f)[len(root):] for d, _, fs in os.walk(root) for f in fs)


def read(path):
    with open(path) as f:
        return f.read()


def test_install_reinstall_and_uninstall(tmp_path):
    d = str(tmp_path / "root")
    conf = d + "/etc/apache2/mods-available/pamps.conf"
    so = d + MODDIR + "/mod_pamps.so"
    make("install", d)
    assert set(EXPECTED) <= set(files(d)), files(d)
    assert read(conf) == read(os.path.join(TOP, "conf", "pamps.conf"))
    assert oct(os.stat(so).st_mode & 0o777) == "0o644"
    assert os.access(d + "/usr/local/bin/pamps", os.X_OK)

    # an operator's edit survives a reinstall; the new file lands beside it
    with open(conf, "a") as f:
        f.write("# my edit\n")
    # held open as httpd holds it mapped: replaced, not written into
    fd = os.open(so, os.O_RDONLY)
    try:
        before = os.pread(fd, 4096, 0)
        r = make("install", d)
        assert os.fstat(fd).st_nlink == 0
        assert os.pread(fd, 4096, 0) == before
    finally:
        os.close(fd)
    assert read(conf).endswith("# my edit\n")
    assert read(conf + ".dist") == read(os.path.join(TOP, "conf", "pamps.conf"))
    assert "kept your edited" in r.stderr

    # an unedited file of an older install is updated (no .dist)
    pristine = d + "/usr/local/share/pamps/conf/pamps.conf"
    for path in (conf, pristine):
        with open(path, "w") as f:
            f.write("# as an older version shipped it\n")
    make("install", d)
    assert read(conf) == read(os.path.join(TOP, "conf", "pamps.conf"))
    assert not os.path.exists(conf + ".dist")

    # uninstall leaves only what the operator wrote
    with open(conf, "a") as f:
        f.write("# edited again\n")
    make("uninstall", d)
    assert files(d) == ["/etc/apache2/mods-available/pamps.conf"]
