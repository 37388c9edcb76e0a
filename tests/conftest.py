"""Shared fixtures: every test gets its own database in tmp_path; none touches real user data.

Speed: a new database is not migrated from scratch in every test. The real migrations run once
per session (the real ``open_db`` on a template file, plain and encrypted); every other new
database is a copy of that template, made exactly where ``open_db`` would have created it, and
then opened by the real ``open_db`` (schema check, pragmas, permissions). Tests that change the
migrations (monkeypatching ``migrations``), modules in ``REAL_MIGRATIONS`` and tests marked
``real_migrations`` create their databases the slow, real way. Temporary files live in memory
(/dev/shm) where it exists: see ``_use_memory_for_temporary_files``.

Safety: for the whole session HOME and the XDG directories point into a temporary folder, and
the user's real peer data and config folders are watched: a test that creates or changes them
fails (see ``RealDirGuard``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

# The store suite runs twice where SQLCipher is installed: on plain and on encrypted databases.
# `pytest --encrypted` (or PEER_TEST_ENCRYPTED=1) runs every test on encrypted databases.
ENCRYPTED_TOO = {"test_store", "test_backup", "test_export_forget", "test_hardening_db",
                 "test_hardening_backup", "test_consumers"}
# a random raw key (no passphrase derivation: fast); passphrases are tested in test_encryption
TEST_KEY_TEXT = "x'" + "5e" * 16 + "c1" * 16 + "'"
# Modules whose new databases are always migrated for real (not copied from the template).
REAL_MIGRATIONS = {"test_store"}

# Property tests judge what peer does, not how fast the machine is: on a loaded 2-core CI
# machine hypothesis' timing checks (a slow example, slow input generation) fail at random.
# Example counts and every assertion stay as each test sets them.
settings.register_profile(
    "peer", deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors])
settings.load_profile("peer")


# ---------------------------------------------------------------------------------------------
# The user's real folders: never touched by a test.

_SESSION_ENV = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def real_user_dirs(env: dict[str, str]) -> list[Path]:
    """peer's folders (data, config, cache, state, log) as platformdirs names them under
    ``env``."""
    import platformdirs

    saved = {k: os.environ.get(k) for k in _SESSION_ENV}
    try:
        for k in _SESSION_ENV:
            if env.get(k) is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = env[k]
        return [platformdirs.user_data_path("peer"), platformdirs.user_config_path("peer"),
                platformdirs.user_cache_path("peer"), platformdirs.user_state_path("peer"),
                platformdirs.user_log_path("peer")]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _snapshot(directory: Path) -> tuple[tuple[str, int, int], ...] | None:
    """None when ``directory`` does not exist, else every entry under it (name, size, mtime)."""
    if not os.path.lexists(directory):
        return None
    found: list[tuple[str, int, int]] = []
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            full = os.path.join(root, name)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            found.append((os.path.relpath(full, directory), st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


# Operations (audit events) whose first argument is a path this process would touch.
_AUDITED = frozenset({
    "open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove", "os.rmdir",
    "os.chmod", "os.chown", "os.utime", "os.truncate", "os.link", "os.symlink", "os.chdir",
    "os.walk", "shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.copytree",
    "shutil.move", "shutil.rmtree", "sqlite3.connect", "tempfile.mkstemp", "tempfile.mkdtemp"})


class RealDirGuard:
    """Keeps tests out of the user's real peer folders.

    In this process an audit hook refuses (PermissionError) any file operation on a path inside
    them, and remembers it so the test fails even if the code under test swallowed the error.
    Anything else that touches them (a subprocess a test started) is seen by comparing what the
    folders hold before and after each test. ``problem()`` describes the first such touch."""

    def __init__(self, dirs: list[Path], *, refuse: bool = True) -> None:
        self.dirs = dirs
        self.prefixes = tuple(str(d) for d in dirs)
        self.looking = False
        self.before = self._snapshots()
        self.refused: list[str] = []
        self.changed: list[str] = []
        if refuse:
            sys.addaudithook(self._audit)  # for the rest of the process: hooks stay

    def _snapshots(self) -> dict[Path, tuple[tuple[str, int, int], ...] | None]:
        self.looking = True  # the guard itself may look inside
        try:
            return {d: _snapshot(d) for d in self.dirs}
        finally:
            self.looking = False

    def inside(self, path: str) -> bool:
        path = os.path.abspath(path)
        return any(path == p or path.startswith(p + os.sep) for p in self.prefixes)

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if event not in _AUDITED or not args or self.looking:
            return
        for target in args[:2]:  # (src, dst) for rename, copy, link
            if isinstance(target, (str, bytes, os.PathLike)):
                path = os.fsdecode(os.fspath(target))
                if path and path != ":memory:" and not path.startswith("file:") \
                        and self.inside(path):
                    self.refused.append(f"{event} {path}")
                    raise PermissionError(f"a test tried to use the user's real peer folder: "
                                          f"{path} (refused by tests/conftest.py)")

    def refusal(self) -> str | None:
        """What this process tried to do in the real folders since the last call (refused)."""
        if not self.refused:
            return None
        what = "; ".join(self.refused[:3])
        self.refused.clear()
        return (f"a test tried to use the user's real peer folders ({what}): refused. Tests "
                "must use tmp_path (PEER_DB, HOME and XDG_* are set by tests/conftest.py).")

    def change(self) -> str | None:
        """A real folder that changed since the last call, which this process did not do: a
        subprocess a test started, or another program on this computer (so: a warning)."""
        now = self._snapshots()
        for d in self.dirs:
            if now[d] != self.before[d]:
                what = "created" if self.before[d] is None else "changed"
                self.before = now  # report each change once
                message = (f"the user's real peer folder {d} was {what} during this test, not "
                           "by this process: by a subprocess the test started, or by another "
                           "program on this computer")
                self.changed.append(message)
                return message
        return None


_GUARD: RealDirGuard | None = None
_SESSION_HOME: str | None = None
_SAVED_ENV: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Before anything is collected: remember the real folders, then point HOME and the XDG
    folders into a temporary one for the whole session (subprocesses inherit it)."""
    global _GUARD, _SESSION_HOME
    _use_memory_for_temporary_files(config)
    original = {k: v for k in _SESSION_ENV if (v := os.environ.get(k)) is not None}
    _GUARD = RealDirGuard(real_user_dirs(original))
    _SESSION_HOME = tempfile.mkdtemp(prefix="peer-test-home-")
    for k in _SESSION_ENV:
        _SAVED_ENV[k] = os.environ.get(k)
    os.environ["HOME"] = _SESSION_HOME
    for k in _SESSION_ENV[1:]:
        os.environ[k] = os.path.join(_SESSION_HOME, k.lower())
    config.addinivalue_line(
        "markers", "real_migrations: new databases in this test are migrated for real "
        "(not copied from the session's migrated template)")


def _free_bytes(path: str) -> int:
    """Space left on ``path``'s file system (0 when it cannot be read): a container's small
    /dev/shm (often 64 MB) is not used."""
    try:
        st = os.statvfs(path)
    except OSError:
        return 0
    return st.f_bavail * st.f_frsize


def _use_memory_for_temporary_files(config: pytest.Config) -> None:
    """tmp_path (and every temporary file, here and in the subprocesses tests start) goes to
    /dev/shm where it exists: peer syncs every commit to disk (synchronous=FULL, WAL), and
    thousands of fsyncs on a busy disk were a large part of its time. Nothing else changes:
    same files, permissions, locks and crash behaviour. `pytest --basetemp DIR` or TMPDIR set
    by the caller still win; tmp_path_retention_policy (pyproject) keeps only failed tests'."""
    if config.option.basetemp or os.environ.get("TMPDIR"):
        return
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) and _free_bytes(shm) >= 2**30:
        _SAVED_ENV["TMPDIR"] = None
        os.environ["TMPDIR"] = shm
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Outside any test (collection, session fixtures): a refusal fails the run; a change made
    by another process is shown loudly."""
    if _GUARD is None:
        return
    refusal = _GUARD.refusal()
    _GUARD.change()  # after the last test
    writer = session.config.get_terminal_writer()
    for message in _GUARD.changed:
        writer.line(f"WARNING: {message}", red=True, bold=True)
    if refusal:
        writer.line(f"ERROR: {refusal}", red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    for k, v in _SAVED_ENV.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    if _SESSION_HOME:
        shutil.rmtree(_SESSION_HOME, ignore_errors=True)
    tempfile.tempdir = None


def sqlcipher_installed() -> bool:
    from peercli.store import cipher

    return cipher.available()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--encrypted", action="store_true",
                     help="run every test on encrypted databases (needs SQLCipher)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_mode" not in metafunc.fixturenames:
        return
    everything = (metafunc.config.getoption("--encrypted")
                  or os.environ.get("PEER_TEST_ENCRYPTED", "") == "1")
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if everything:
        if not sqlcipher_installed():
            raise pytest.UsageError("--encrypted needs SQLCipher: pip install -e '.[test]'")
        metafunc.parametrize("db_mode", ["encrypted"])
    elif module in ENCRYPTED_TOO and sqlcipher_installed():
        metafunc.parametrize("db_mode", ["plain", "encrypted"])


@pytest.fixture
def db_mode(request: pytest.FixtureRequest) -> str:
    """"plain" or "encrypted": how this test's databases are created."""
    return str(getattr(request, "param", "plain"))


def _route_to_sqlcipher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that look inside the database with sqlite3.connect (or sqlite-utils) get an
    SQLCipher connection with the test key when the file is encrypted."""
    from urllib.parse import unquote, urlparse

    from peercli.store import cipher
    from peercli.store.keys import Secret

    key = Secret(TEST_KEY_TEXT, "test key").raw_key()
    real = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        name = os.fspath(database) if not isinstance(database, str) else database
        path = Path(unquote(urlparse(name).path)) if name.startswith("file:") else Path(name)
        if cipher.file_kind(path) == "other":
            allowed = {k: v for k, v in kwargs.items() if k in ("timeout", "isolation_level")}
            uri = bool(kwargs.get("uri")) or name.startswith("file:")
            return cipher.connect(name, key, uri=uri, **allowed)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


# ---------------------------------------------------------------------------------------------
# New databases: copies of one migrated template per session.

class Templates:
    """Migrated, empty databases made once per session by the real ``open_db``: one plain, one
    encrypted with the test key. ``source(key)`` is the one a new database with ``key`` starts
    from, or None when that new database must be created for real."""

    def __init__(self, root: Path) -> None:
        from peercli.store import migrations

        self.root = root
        # what the templates were migrated with: a test that changes any of it migrates for real
        self.names = list(migrations.MIGRATION_NAMES)
        self.version = migrations.SCHEMA_VERSION
        self.functions = (migrations.ensure_current, migrations._migrate,
                          migrations.run_migration, migrations._build)
        self.steps = (dict(migrations._STATEMENTS), dict(migrations._PROCEDURES))
        self.test_key = _test_raw_key()
        self.files = {kind: self._build(kind) for kind in ("plain", "encrypted")
                      if kind == "plain" or sqlcipher_installed()}
        self.modules = self._migration_functions()  # each migration's own module, now loaded

    @staticmethod
    def _migration_functions() -> dict[str, tuple[Any, Any]]:
        """Each loaded migration module's ``statements`` and ``procedure``."""
        from peercli.store import migrations

        found = {}
        for name in migrations.MIGRATION_NAMES:
            module = sys.modules.get(f"{migrations.__name__}.{name}")
            if module is not None:
                found[name] = (getattr(module, "statements", None),
                               getattr(module, "procedure", None))
        return found

    def migrations_unchanged(self) -> bool:
        from peercli.store import migrations

        return (migrations.MIGRATION_NAMES == self.names
                and migrations.SCHEMA_VERSION == self.version
                and (migrations.ensure_current, migrations._migrate, migrations.run_migration,
                     migrations._build) == self.functions
                and migrations._STATEMENTS == self.steps[0]
                and migrations._PROCEDURES == self.steps[1]
                and self._migration_functions() == self.modules)

    def source(self, key: Any) -> Path | None:
        if not self.migrations_unchanged():
            return None
        if key is None:
            kind = "plain"
        elif (self.test_key is not None and key.salt is None
              and key.raw == self.test_key.raw):
            kind = "encrypted"
        else:
            return None  # a passphrase or another key: created for real
        return self.files.get(kind)

    def _build(self, kind: str) -> Path:
        from peercli.store import keys
        from peercli.store.db import open_db

        path = self.root / kind / "peer.db"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
            for name in ("PEER_PASSPHRASE", "PEER_NEW_PASSPHRASE", "PEER_KEY_FILE"):
                mp.delenv(name, raising=False)
            if kind == "encrypted":
                key_file = self.root / "test.key"
                key_file.write_text(TEST_KEY_TEXT + "\n")
                key_file.chmod(0o600)
                mp.setenv("PEER_KEY_FILE", str(key_file))
            mp.setattr(keys, "_SESSION", {})
            open_db(path).close()
        for suffix in ("-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():  # closed cleanly: all in the main file
                raise RuntimeError(f"template database left {path}{suffix}")
        return path


def _test_raw_key() -> Any:
    from peercli.store.keys import Secret

    return Secret(TEST_KEY_TEXT, "test key").raw_key()


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("db-templates"))


def _connect_from_template(real: Callable[..., Any], templates: Templates) -> Callable[..., Any]:
    """``store.db._connect`` that, when the database file does not exist yet (nor any journal
    of it), first copies the migrated template there. ``open_db`` then goes on exactly as for
    any existing database: schema check, pragmas, nothing to migrate, permissions."""

    def connect(path: Path, key: Any = None) -> Any:
        fresh = not any(os.path.lexists(f"{path}{suffix}")
                        for suffix in ("", "-wal", "-shm", "-journal"))
        if fresh:
            source = templates.source(key)
            if source is not None:
                shutil.copyfile(source, path)
        return real(path, key)

    return connect


# ---------------------------------------------------------------------------------------------
# Every test: its own database and folders.

@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_mode: str,
             request: pytest.FixtureRequest, db_templates: Templates) -> Iterator[None]:
    """Point peer, platformdirs and HOME into tmp_path and pin the terminal for stable output.
    No test reaches the user's keyring: the keyring backend is one that holds nothing.
    New databases start as copies of the session's migrated template (see the module doc)."""
    from peercli.store import db as store_db
    from peercli.store import keys

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for name in ("PEER_PASSPHRASE", "PEER_NEW_PASSPHRASE", "PEER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(keys, "_SESSION", {})
    if db_mode == "encrypted":
        key_file = tmp_path / "test.key"
        key_file.write_text(TEST_KEY_TEXT + "\n")
        key_file.chmod(0o600)
        monkeypatch.setenv("PEER_KEY_FILE", str(key_file))
        _route_to_sqlcipher(monkeypatch)
    module = request.module.__name__.rsplit(".", 1)[-1]
    if module not in REAL_MIGRATIONS and request.node.get_closest_marker("real_migrations") is None:
        monkeypatch.setattr(store_db, "_connect",
                            _connect_from_template(store_db._connect, db_templates))
    monkeypatch.setenv("PEER_DB", str(tmp_path / "data" / "peer.db"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PEER_NO_INPUT", raising=False)
    yield
    if _GUARD is not None:
        refusal = _GUARD.refusal()
        if refusal:
            pytest.fail(refusal, pytrace=False)
        change = _GUARD.change()
        if change:
            import warnings

            warnings.warn(change, UserWarning, stacklevel=1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return Path(os.environ["PEER_DB"])


def _cached_root_command() -> None:
    """CliRunner.invoke builds the root click command from the Typer app on every call (Typer
    evaluates every annotation again): build it once per session instead. The sub-commands are
    cached by peer itself (cli.app.load_command), and click keeps no state in a command."""
    import typer.main
    import typer.testing

    if getattr(typer.testing, "_get_command", None) is not typer.main.get_command:
        return  # another Typer: leave it alone (only speed is lost)
    built: dict[int, tuple[Any, Any]] = {}

    def get_command(app: Any) -> Any:
        if id(app) not in built:
            built[id(app)] = (app, typer.main.get_command(app))  # keeps app alive: id stays
        return built[id(app)][1]

    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_cached_root_command()


class Peer:
    """Runs `peer ...` in-process against the test database."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True) -> Any:
        from peercli.cli.app import app
        from peercli.store import keys

        keys._SESSION.clear()  # each command starts like a new process: no key in memory
        result = self.runner.invoke(app, list(args), input=input)
        if ok:
            assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        return json.loads(result.stdout)


@pytest.fixture
def peer() -> Peer:
    return Peer()


@pytest.fixture
def query(db_path: Path) -> Callable[..., list[sqlite3.Row]]:
    def run(sql: str, *params: Any) -> list[sqlite3.Row]:
        conn = sqlite3.connect(db_path)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    return run


@pytest.fixture
def make_group(db_path: Path) -> Callable[..., int]:
    """Add a group through the store, as `peer group add` does; returns its id.

    `make_group("Tuesday Grief Circle", city="Riverton")`: any GroupRecord field may be given."""

    def make(name: str, **fields: Any) -> int:
        from peercli.importers.records import GroupRecord
        from peercli.store.db import open_db, write
        from peercli.store.groups import add_group

        conn = open_db(db_path)
        try:
            with write(conn):
                return add_group(conn, GroupRecord(source="manual", source_key="", name=name,
                                                   **fields))
        finally:
            conn.close()

    return make


@pytest.fixture
def make_referral(db_path: Path) -> Callable[..., int]:
    """Refer a consumer to a group through the store, stamped `at` (local ISO time); returns
    the referral id. `status` is the referral's status from the start (its first event)."""

    def make(consumer_id: int, group_id: int, status: str = "referred",
             at: str = "2026-11-10T09:00:00", *, note: str | None = None,
             reasons: tuple[str, ...] = ()) -> int:
        from peercli.store.db import open_db, write
        from peercli.store.referrals import NewReferral, insert_referral

        saved = os.environ.get("PEER_NOW")
        os.environ["PEER_NOW"] = at
        conn = open_db(db_path)
        try:
            with write(conn):
                return insert_referral(conn, NewReferral(consumer_id, group_id, None, reasons,
                                                         status, note))
        finally:
            conn.close()
            if saved is None:
                os.environ.pop("PEER_NOW", None)
            else:
                os.environ["PEER_NOW"] = saved

    return make
