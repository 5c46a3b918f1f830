-- PostgreSQL schema version 4 (mirrors ../0004_relay.sql): the outbox relays'
-- positions and leases (SPEC.md §7.2, app/relay_store.h).  One row per relay
-- ('redis'), made on its first lease.  Times are the server's clock.
CREATE TABLE allot.relays (
    name        text COLLATE "C" PRIMARY KEY,
    position_tx bigint NOT NULL DEFAULT 0, -- the follower cursor after the last event
    position    bigint NOT NULL DEFAULT 0, -- published: (tx, id)
    owner       text,                      -- holder of the lease, NULL = nobody
    lease_until bigint NOT NULL DEFAULT 0  -- ms since 1970-01-01 UTC
);
