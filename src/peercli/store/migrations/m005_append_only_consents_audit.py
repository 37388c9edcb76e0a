"""Migration m005_append_only_consents_audit: The consent history is append-only: a change of mind
is a new row. Rows go only with their person (`forget` deletes the consumer first; the cascade
then finds no consumer row). Neither consents nor audit rows can be replaced by INSERT OR
REPLACE (which deletes the old row without firing DELETE triggers).
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
       BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
    """CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
       WHEN EXISTS (SELECT 1 FROM consumers WHERE id = old.consumer_id)
       BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
    """CREATE TRIGGER consents_no_replace BEFORE INSERT ON consents
       WHEN EXISTS (SELECT 1 FROM consents WHERE id = new.id)
       BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
    """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
       WHEN EXISTS (SELECT 1 FROM audit WHERE id = new.id)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)


def statements() -> list[str]:
    return list(STATEMENTS)
