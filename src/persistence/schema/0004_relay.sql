-- Schema version 4: the outbox relays' positions and leases (SPEC.md §7.2,
-- app/relay_store.h).  One row per relay ('redis'), made on its first lease.
CREATE TABLE relays (
    name        TEXT PRIMARY KEY,
    position_tx INTEGER NOT NULL DEFAULT 0, -- the follower cursor after the last event
    position    INTEGER NOT NULL DEFAULT 0, -- published: (tx, id); tx is 0 on SQLite
    owner       TEXT,                       -- holder of the lease, NULL = nobody
    lease_until INTEGER NOT NULL DEFAULT 0  -- ms since 1970-01-01 UTC
);
