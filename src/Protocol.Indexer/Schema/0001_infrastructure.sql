-- Where the indexer is: the last block whose events are all in the database, and its hash (so a
-- restart can tell whether the chain still agrees).
CREATE TABLE indexer_checkpoint (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    block_number bigint NOT NULL,
    block_hash text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Hashes of the recent blocks the indexer followed one by one (within the reorg depth of the head):
-- a reorg is found by comparing them with the chain, and undone down to the newest one that matches.
CREATE TABLE chain_blocks (
    number bigint PRIMARY KEY,
    hash text NOT NULL,
    parent_hash text NOT NULL,
    block_time timestamptz NOT NULL
);
