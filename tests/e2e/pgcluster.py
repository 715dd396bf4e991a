"""A private PostgreSQL cluster for the tests: initdb in a temporary
directory, listening only on a unix socket there (no TCP port to collide
with), trust authentication, stopped and removed at the end.

initdb refuses to run as root, so as root the cluster belongs to the
`postgres` OS user (Debian's postgresql package creates it)."""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob(
    "/usr/lib/postgresql/*/bin") else "/usr/lib/postgresql/15/bin"


class PostgresCluster:
    def __init__(self, port=5432):
        self.dir = tempfile.mkdtemp(prefix="pamps-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.socket_dir = self.dir
        self.port = port
        self.as_root = os.geteuid() == 0
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)   # httpd children (www-data) reach the socket

    def _run(self, args, check=True):
        if self.as_root:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=check, capture_output=True, text=True,
                              cwd=self.dir)

    def init(self):
        self._run([PG_BIN + "/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8"])
        return self

    def start(self):
        # pg_ctl -w returns once the server accepts connections
        self._run([PG_BIN + "/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o",
                   "-p %d -k %s -c listen_addresses='' -c max_connections=200 -c fsync=off"
                   % (self.port, self.socket_dir), "start"])
        return self

    def stop(self, mode="fast"):
        self._run([PG_BIN + "/pg_ctl", "-D", self.data, "-w", "-m", mode, "stop"],
                  check=False)

    def cleanup(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, dbname="postgres"):
        res = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-h", self.socket_dir, "-p", str(self.port), "-U", "postgres",
                              "-d", dbname, "-c", sql],
                             check=True, capture_output=True, text=True)
        return res.stdout

    def create_database(self, name):
        self.psql('CREATE DATABASE "%s"' % name)
        return self.params(name)

    def params(self, dbname):
        """apr_dbd pgsql parameters (a libpq conninfo string)."""
        return "host=%s port=%d dbname=%s user=postgres" % (self.socket_dir, self.port, dbname)
