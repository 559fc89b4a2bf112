-- The editor (a browser tab) a version's edits came from: autosaves coalesce only within one
-- editor, so two tabs of the same person keep separate versions.
ALTER TABLE portfolio_versions ADD COLUMN editor_id text CHECK (length(editor_id) <= 64);
