"""``peer db``: where the data lives, backups, restore, and a health check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peercli.cli.options import JsonOpt, YesOpt
from peercli.cli.registry import add_group
from peercli.cli.render import echo
from peercli.core.wording import plural

if TYPE_CHECKING:
    from pathlib import Path

    from peercli.store.keys import DbKey, Secret
    from peercli.store.snapshot import Count, Summary

app = typer.Typer(no_args_is_help=True)


@app.command("path")
def path(as_json: JsonOpt = False) -> None:
    """Print the path of the database in use.

    The first of: --db, PEER_DB, the data directory."""
    from peercli.cli.runtime import RUNTIME

    if as_json:
        from peercli.cli.render import print_json

        print_json({"path": str(RUNTIME.db_path), "exists": RUNTIME.db_path.is_file()})
        return
    echo(str(RUNTIME.db_path))


@app.command("backup")
def backup(
    file: Annotated[str | None, typer.Argument(
        help="Backup file to create (default: <data dir>/backups/peer-YYYYMMDD-HHMMSS.db).",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Back up the database to a private (0600) file and verify the copy.

    Uses SQLite's backup API (safe while peer runs), then an integrity check of the copy."""
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.backup import backup_database, backup_stamp, default_backup_path
    from peercli.store.clock import now

    db_path = runtime.RUNTIME.db_path
    dest = Path(file).expanduser() if file else default_backup_path(
        db_path, backup_stamp(now()))
    written = backup_database(runtime.conn(), dest, unique=file is None)
    size = written.stat().st_size
    if as_json:
        print_json({"path": str(written), "bytes": size, "integrity": "ok"})
    else:
        success(f"Backed up to {written} ({size:,} bytes, integrity ok)")


@app.command("restore")
def restore(
    file: Annotated[str, typer.Argument(help="The backup file to restore.")],
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup, keeping the current one aside.

    The backup is checked first (SQLite, intact, a peer database this peer can read); the
    current file is kept as peer.db.before-restore-<stamp>. On a terminal it shows what the
    backup holds and what it would replace, and asks; elsewhere it needs --yes."""
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.confirm import proceed_or_stop
    from peercli.cli.render import print_json, success, warn
    from peercli.core.errors import PeerError
    from peercli.store import cipher
    from peercli.store.backup import backup_stamp, check_backup_file, restore_database
    from peercli.store.clock import now

    db_path = runtime.RUNTIME.db_path
    src = Path(file).expanduser()
    check_backup_file(src)  # before asking: a typo in the name is not a question
    current = None
    now_holds = None
    erased: set[int] = set()
    if db_path.exists():
        try:
            conn = runtime.conn()
            current = cipher.key_of(conn)
            from peercli.store.erasure import erased_ids

            erased = erased_ids(conn)
            if not yes:
                from peercli.store.snapshot import summarize

                now_holds = summarize(conn)
        except PeerError:
            current = None  # a damaged or foreign file: restoring over it is the cure

    def show_what_changes() -> None:
        from peercli.store.keys import know
        from peercli.store.snapshot import summarize_backup

        holds, key = summarize_backup(src, current, runtime.passphrase_asker(), erased)
        if key is not None:
            know(src, key)  # the restore below opens it again without asking
        _echo_restore_plan(src, holds, db_path, now_holds)

    proceed_or_stop("Replace the database with this backup?", yes=yes, as_json=as_json,
                    before=show_what_changes,
                    refusal="restoring replaces the database: add --yes (not prompting)")
    runtime.RUNTIME.close()  # nothing of ours may hold the file while it is swapped
    result = restore_database(db_path, src, backup_stamp(now()), current=current,
                              ask=runtime.passphrase_asker())
    if result.key is not None:
        from peercli.store.keys import know

        know(db_path, result.key)
    restored_key = cipher.key_of(runtime.conn())  # opened the usual way: pragmas, migrations
    data = {"path": str(db_path), "restored_from": str(result.restored_from),
            "schema_version": result.schema_version,
            "previous": str(result.set_aside) if result.set_aside else None,
            "kept_erased": result.kept_erased}
    if as_json:
        print_json(data)
        return
    success(f"Restored {db_path} from {src}")
    if current is not None and restored_key is None:
        warn("the backup was not encrypted, so the restored database is not: turn encryption "
             "on again with 'peer db encrypt'")
    if result.kept_erased:
        n = result.kept_erased
        warn(f"{n} {'person' if n == 1 else 'people'} forgotten with 'peer consumer forget' "
             "since this backup was made "
             f"{'was' if n == 1 else 'were'} erased again: the restore does not bring them back")
    if result.set_aside:
        warn(f"the previous database is kept at {result.set_aside}")


def _echo_restore_plan(src: Path, holds: Summary, db_path: Path, now_holds: Summary | None
                       ) -> None:
    """Before the restore question: what the backup holds and what it would replace (stderr)."""
    from peercli.cli.render import echo

    def cell(c: Count) -> str:
        when = c.last_change.replace("T", " ")[:16] if c.last_change else "never"
        return f"{c.count:>6}, last {when:<16}"

    rows = [("people", "people"), ("check-ins", "checkins"), ("referrals", "referrals"),
            ("groups", "groups")]
    echo(f"Restore from {src}", err=True)
    echo(f"  {'':<10} {'the backup holds':<29} {'now in the database'}", err=True)
    for label, kind in rows:
        now_cell = cell(getattr(now_holds, kind)) if now_holds else "  (unreadable)"
        echo(f"  {label:<10}{cell(getattr(holds, kind))}  {now_cell}".rstrip(), err=True)
    echo(f"The database now at {db_path} would be kept aside, not deleted.", err=True)


@app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Check the database's health; exit 1 if anything is wrong.

    Integrity, foreign keys, schema version, file and folder permissions, encryption, SQLite
    version, journal mode."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.health import health_checks

    db_path = runtime.RUNTIME.db_path
    checks = health_checks(db_path, ask=runtime.passphrase_asker())
    ok = all(c.ok for c in checks)
    if as_json:
        print_json({"ok": ok, "path": str(db_path),
                    "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail,
                                "level": c.level, "remedy": c.remedy} for c in checks]})
    else:
        _render_checks(str(db_path), checks)
        if not ok:
            from peercli.cli.render import error

            error("the database has problems: each FAIL line says how to fix it")
    if not ok:
        raise typer.Exit(1)


def _render_checks(path: str, checks: list[Any]) -> None:
    """One line per check; a FAIL or WARN line ends with its remedy ("fix: chmod 600 FILE").
    At a terminal narrower than a line, the detail and its fix wrap under themselves."""
    import sys

    from peercli.cli.render import print_lines

    marks = {"ok": ("ok  ", "green"), "warn": ("WARN", "yellow"), "fail": ("FAIL", "red")}
    if sys.stdout.isatty():
        _render_checks_grid(path, checks, marks)
        return
    lines: list[tuple[str, str]] = [(path, "bold")]
    for c in checks:
        mark, style = marks[c.level]
        lines.append(("  ", ""))
        lines.append((mark, f"{style} join"))
        lines.append((f" {c.name:<28} {c.detail}", "join"))
        if c.remedy:
            lines.append((f"; fix: {c.remedy}", "join"))
    print_lines(lines)


def _render_checks_grid(path: str, checks: list[Any],
                        marks: dict[str, tuple[str, str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from peercli.cli.render import console

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)  # "  FAIL"
    grid.add_column(no_wrap=True)  # the check's name
    grid.add_column()  # the detail, then its fix
    for c in checks:
        mark, style = marks[c.level]
        detail = Text(c.detail)
        if c.remedy:
            detail.append(f"; fix: {c.remedy}", style="bold" if c.level == "fail" else "")
        grid.add_row(Text(f"  {mark}", style=style), Text(c.name), detail)
    out = console()
    out.print(Text(path, style="bold"))
    out.print(grid)


NewKeyFileOpt = Annotated[str | None, typer.Option(
    "--new-key-file", help="Read the new passphrase from this private (0600) file instead of "
    "PEER_NEW_PASSPHRASE or a prompt.", show_default=False)]
KeyringOpt = Annotated[bool, typer.Option(
    "--keyring/--no-keyring", help="Keep the key in the OS keyring so commands need no "
    "passphrase (default: when there is a keyring).")]


def _new_secret(new_key_file: str | None, *, fallback_explicit: bool) -> Secret:
    """The new passphrase: --new-key-file, PEER_NEW_PASSPHRASE, (for encrypt) PEER_KEY_FILE /
    PEER_PASSPHRASE, else asked twice at a terminal."""
    import os
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.core.errors import PeerError
    from peercli.store import keys

    secret: keys.Secret | None = None
    if new_key_file:
        found = keys.read_key_file(Path(new_key_file).expanduser())
        secret = keys.Secret(found.text, "--new-key-file")
    elif os.environ.get("PEER_NEW_PASSPHRASE"):
        secret = keys.Secret(os.environ["PEER_NEW_PASSPHRASE"], "PEER_NEW_PASSPHRASE")
    elif fallback_explicit:
        secret = keys.explicit_secret()
    if secret is None:
        if not runtime.can_prompt():
            raise PeerError("no new passphrase: set PEER_NEW_PASSPHRASE, use --new-key-file "
                            "FILE, or run at a terminal to be asked")
        from peercli.cli.prompts import new_passphrase

        secret = keys.Secret(new_passphrase("New passphrase"), "prompt")
    keys.check_new_passphrase(secret.text)
    return secret


def _convert(key: DbKey | None, keyring: bool, as_json: bool, verb: str) -> None:
    import secrets as random

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.store import cipher, keys
    from peercli.store.backup import backup_stamp
    from peercli.store.clock import now
    from peercli.store.encryption import convert

    db_path = runtime.RUNTIME.db_path
    current = cipher.key_of(runtime.conn())  # opens (unlocks, migrates) the database
    runtime.RUNTIME.close()
    stamp = f"{backup_stamp(now())}-{random.token_hex(3)}"
    result = convert(db_path, current, key, stamp)
    if key is not None:
        keys.know(db_path, key)
    kept = False
    if key is None:
        keys.keyring_delete(db_path)
    elif keyring:
        kept = keys.keyring_set(db_path, key)
    runtime.conn()  # the usual pragmas (WAL) on the new file
    data = {"path": str(db_path), "encrypted": result.encrypted, "tables": result.tables,
            "rows": result.rows, "keyring": kept}
    if as_json:
        print_json(data)
        return
    success(f"{verb} {db_path} ({plural(result.rows, 'row')} in {plural(result.tables, 'table')}); the previous "
            "file was overwritten and removed")
    if key is None:
        warn("the database is now a plain SQLite file: anyone with the disk can read it")
    elif kept:
        success(f"the key is kept in the keyring ({keys.keyring_name()}): commands need no "
                "passphrase on this account")
    else:
        warn("the key is not in a keyring: every command needs the passphrase "
             "(PEER_PASSPHRASE, PEER_KEY_FILE, or the prompt)")
    if key is not None:
        warn("without the passphrase the data cannot be recovered: keep it somewhere safe, "
             "and keep backups ('peer db backup')")


@app.command("encrypt")
def encrypt(
    new_key_file: NewKeyFileOpt = None,
    keyring: KeyringOpt = True,
    as_json: JsonOpt = False,
) -> None:
    """Encrypt the database in place with SQLCipher.

    Needs 'peercli[encryption]'. The passphrase comes from --new-key-file,
    PEER_NEW_PASSPHRASE, PEER_KEY_FILE, PEER_PASSPHRASE, or is asked twice. The old file is
    kept until the encrypted copy is verified, then overwritten and removed."""
    from peercli.cli import runtime
    from peercli.core.errors import PeerError
    from peercli.store import cipher

    if not cipher.available():
        raise PeerError(f"encryption needs SQLCipher, which is not installed: "
                        f"{cipher.INSTALL_HINT}")
    db_path = runtime.RUNTIME.db_path
    if cipher.file_kind(db_path) == "other":
        raise PeerError(f"the database at {db_path} is already encrypted (change the "
                        "passphrase with 'peer db rekey')")
    secret = _new_secret(new_key_file, fallback_explicit=True)
    runtime.conn()  # create it if new (plain: no key yet), migrate it
    _convert(secret.new_key(), keyring, as_json, "Encrypted")


@app.command("rekey")
def rekey(
    new_key_file: NewKeyFileOpt = None,
    keyring: KeyringOpt = True,
    as_json: JsonOpt = False,
) -> None:
    """Change the passphrase of an encrypted database.

    The database is rewritten under the new key (kill-safe, like encrypt). The new passphrase
    comes from --new-key-file, PEER_NEW_PASSPHRASE, or is asked twice. Backups keep the
    passphrase they were made with."""
    from peercli.cli import runtime
    from peercli.core.errors import PeerError
    from peercli.store import cipher

    db_path = runtime.RUNTIME.db_path
    current = cipher.key_of(runtime.conn())
    if current is None:
        raise PeerError(f"the database at {db_path} is not encrypted: use 'peer db encrypt'")
    secret = _new_secret(new_key_file, fallback_explicit=False)
    _convert(secret.new_key(), keyring, as_json, "Re-keyed")


@app.command("decrypt")
def decrypt(
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Turn encryption off: the database becomes a plain SQLite file.

    For moving the data to another tool; anyone with the disk can then read it. Asks first,
    or --yes."""
    from peercli.cli import runtime
    from peercli.core.errors import PeerError
    from peercli.store import cipher

    db_path = runtime.RUNTIME.db_path
    if cipher.key_of(runtime.conn()) is None:
        raise PeerError(f"the database at {db_path} is not encrypted")
    from peercli.cli.confirm import proceed_or_stop

    proceed_or_stop("Store every record unencrypted? Anyone with this disk could read it.",
                    yes=yes, as_json=as_json,
                    refusal="decrypting leaves every record readable on disk: add --yes "
                            "(not prompting)")
    _convert(None, False, as_json, "Decrypted")


@app.command("remember-key")
def remember_key(as_json: JsonOpt = False) -> None:
    """Keep this database's key in the OS keyring, so commands stop asking for it.

    The keyring is macOS Keychain, Windows Credential Manager or Secret Service."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core.errors import PeerError
    from peercli.store import cipher, keys

    db_path = runtime.RUNTIME.db_path
    key = cipher.key_of(runtime.conn())
    if key is None:
        raise PeerError(f"the database at {db_path} is not encrypted: nothing to remember")
    if not keys.keyring_set(db_path, key):
        raise PeerError("there is no usable keyring on this account (a headless machine?): use "
                        "PEER_KEY_FILE or PEER_PASSPHRASE instead")
    if as_json:
        print_json({"path": str(db_path), "keyring": keys.keyring_name()})
    else:
        success(f"the key of {db_path} is kept in the keyring ({keys.keyring_name()})")


def register(root: typer.Typer) -> None:
    add_group(root, "db", app,
              help="Where the data lives: backups, restore, health check, encryption.")
