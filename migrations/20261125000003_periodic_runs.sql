-- Periodic work (snapshots, housekeeping) runs once per time slot across all workers: the
-- worker that records the slot first does it.
CREATE TABLE periodic_runs (
    task        text NOT NULL,
    slot        timestamptz NOT NULL,
    worker      text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text,
    PRIMARY KEY (task, slot)
);

CREATE INDEX portfolio_versions_snapshots ON portfolio_versions (portfolio_id, revision) WHERE kind = 'snapshot';
