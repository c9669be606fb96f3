-- The audit trail's tail, kept beside it: rows cut from the end of audit_log leave every
-- remaining link intact, so the chain alone cannot tell. Every append updates this one row in
-- the same transaction; verify-audit compares it with the table (console-server/audit/).
CREATE TABLE audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- Rows appended so far, the seq of the last one (0 before any) and its hash.
  row_count INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL
);

INSERT INTO audit_anchor (id, row_count, seq, head_hash)
SELECT 1, COUNT(*), COALESCE(MAX(seq), 0),
  COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), printf('%064d', 0))
FROM audit_log;

-- The anchor only moves forward, one row at a time, as audit_log does.
CREATE TRIGGER audit_anchor_forward_only BEFORE UPDATE ON audit_anchor
WHEN NEW.id <> OLD.id OR NEW.row_count <> OLD.row_count + 1 OR NEW.seq <= OLD.seq
BEGIN
  SELECT RAISE(ABORT, 'audit_anchor only moves forward with audit_log');
END;

CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
BEGIN
  SELECT RAISE(ABORT, 'audit_anchor only moves forward with audit_log');
END;
