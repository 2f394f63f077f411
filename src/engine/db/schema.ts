// Numbered migrations, applied in order and recorded in PRAGMA user_version.
// Each runs inside the IMMEDIATE transaction that also bumps user_version, so concurrent
// openers of a new store cannot apply one twice. Never edit a released migration: add one.

export const MIGRATIONS: readonly string[] = [
  // 1: topics, partition watermarks, record batches, consumer groups.
  `
  CREATE TABLE topics (
    topic_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL UNIQUE,
    topic_uuid         TEXT    NOT NULL,
    partition_count    INTEGER NOT NULL,
    replication_factor INTEGER NOT NULL,
    is_internal        INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL
  ) STRICT;

  -- Topic-level overrides only; defaults come from the broker settings.
  CREATE TABLE topic_configs (
    topic_id INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    name     TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (topic_id, name)
  ) STRICT, WITHOUT ROWID;

  -- The watermarks: log start offset (first offset still stored) and log end offset (next offset),
  -- with the record count and bytes of the stored batches, and the largest timestamp appended.
  CREATE TABLE partitions (
    topic_id         INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    partition        INTEGER NOT NULL,
    log_start_offset INTEGER NOT NULL DEFAULT 0,
    log_end_offset   INTEGER NOT NULL DEFAULT 0,
    record_count      INTEGER NOT NULL DEFAULT 0,
    size_bytes        INTEGER NOT NULL DEFAULT 0,
    log_max_timestamp INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (topic_id, partition)
  ) STRICT, WITHOUT ROWID;

  -- One row per Kafka RecordBatch v2, stored byte-exact with its CRC-32C.
  -- log_max_timestamp is the largest timestamp of this batch and every earlier one in the
  -- partition: it never decreases with the offset, so it is Kafka's time index.
  CREATE TABLE batches (
    batch_id          INTEGER PRIMARY KEY,
    topic_id          INTEGER NOT NULL,
    partition         INTEGER NOT NULL,
    base_offset       INTEGER NOT NULL,
    last_offset       INTEGER NOT NULL,
    max_timestamp     INTEGER NOT NULL,
    log_max_timestamp INTEGER NOT NULL,
    record_count      INTEGER NOT NULL,
    size_bytes        INTEGER NOT NULL,
    data              BLOB    NOT NULL,
    FOREIGN KEY (topic_id, partition) REFERENCES partitions (topic_id, partition) ON DELETE CASCADE
  ) STRICT;
  CREATE UNIQUE INDEX batches_by_offset ON batches (topic_id, partition, base_offset);
  CREATE INDEX batches_by_time ON batches (topic_id, partition, log_max_timestamp);

  CREATE TABLE groups (
    group_id      TEXT    PRIMARY KEY,
    protocol_type TEXT    NOT NULL DEFAULT 'consumer',
    assignor      TEXT    NOT NULL DEFAULT '',
    generation    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  -- Live members. assignment is JSON {"topic": [partitions]} for the member's generation.
  CREATE TABLE group_members (
    group_id           TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    member_id          TEXT    NOT NULL,
    client_id          TEXT    NOT NULL,
    client_host        TEXT    NOT NULL,
    process_id         INTEGER NOT NULL,
    subscription       TEXT    NOT NULL,
    assignment         TEXT    NOT NULL DEFAULT '{}',
    generation         INTEGER NOT NULL DEFAULT 0,
    session_timeout_ms INTEGER NOT NULL,
    last_heartbeat     INTEGER NOT NULL,
    joined_at          INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
  ) STRICT, WITHOUT ROWID;

  -- Committed offset = the next offset the group will read. Keyed by topic name; deleting a
  -- topic deletes its committed offsets, as Kafka does (deleteTopicTx).
  CREATE TABLE group_offsets (
    group_id         TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    topic            TEXT    NOT NULL,
    partition        INTEGER NOT NULL,
    committed_offset INTEGER NOT NULL,
    metadata         TEXT    NOT NULL DEFAULT '',
    commit_timestamp INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) STRICT, WITHOUT ROWID;
  `,

  // 2: consumer-group handover (DESIGN §4). assignment/generation stay the member's target in the
  // current generation; owned is what the member holds now (JSON {"topic": [partitions]}), so
  // that a partition is never held by two members; acked_generation is the generation whose
  // whole assignment it holds; protocols its partition.assignment.strategy names, in preference
  // order. The group remembers the partition counts its last rebalance used (to notice added
  // partitions or deleted topics) and, after group.initial.rebalance.delay.ms, when members of a
  // new group may start taking partitions.
  `
  ALTER TABLE group_members ADD COLUMN owned TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE group_members ADD COLUMN acked_generation INTEGER NOT NULL DEFAULT -1;
  ALTER TABLE group_members ADD COLUMN protocols TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE groups ADD COLUMN partition_counts TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE groups ADD COLUMN assign_after INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX group_offsets_by_topic ON group_offsets (topic);
  `,
  // 3: consumer-groups administration: the history of executed offset resets, so that
  // `--describe --history` can list them and `--reset-offsets --undo` can restore what the last
  // one replaced. old_offset is NULL where the group had no committed offset before.
  `
  CREATE TABLE group_offset_resets (
    reset_id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT    NOT NULL,
    reset_at INTEGER NOT NULL,
    command  TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX group_offset_resets_by_group ON group_offset_resets (group_id, reset_id);

  CREATE TABLE group_offset_reset_entries (
    reset_id   INTEGER NOT NULL REFERENCES group_offset_resets (reset_id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL,
    partition  INTEGER NOT NULL,
    old_offset INTEGER,
    new_offset INTEGER NOT NULL,
    PRIMARY KEY (reset_id, topic, partition)
  ) STRICT, WITHOUT ROWID;
  `,
  // 4: retention, compaction and delete-records (the log cleaner). Kafka's segments are virtual:
  // a partition records where its active segment begins and when it was rolled, so the cleaner
  // knows what it may compact; cleaned_offset is Kafka's cleaner checkpoint; tombstone_expiry is
  // the earliest time a kept tombstone may be dropped. log_cleaner holds the store-wide time of
  // the last retention check (log.retention.check.interval.ms is honoured across processes).
  `
  ALTER TABLE partitions ADD COLUMN segment_base_offset INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE partitions ADD COLUMN segment_rolled_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE partitions ADD COLUMN segment_bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE partitions ADD COLUMN cleaned_offset INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE partitions ADD COLUMN tombstone_expiry INTEGER;

  CREATE TABLE log_cleaner (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_check INTEGER NOT NULL
  ) STRICT;
  -- The first check comes one interval after the store is created (or upgraded), as Kafka's
  -- retention task first runs a while after the broker starts.
  INSERT INTO log_cleaner (id, last_check)
  VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  `,
  // 5: kt broker: idempotent producers, and the wire groups' members. A producer id with its
  // current epoch, and per partition the sequence range and offsets of the producer's last
  // appended batch, so that a retried batch is answered with its original offsets instead of
  // being stored twice.
  `
  CREATE TABLE producer_ids (
    producer_id INTEGER PRIMARY KEY AUTOINCREMENT,
    epoch       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE producer_sequences (
    producer_id    INTEGER NOT NULL,
    topic_id       INTEGER NOT NULL,
    partition      INTEGER NOT NULL,
    epoch          INTEGER NOT NULL,
    first_sequence INTEGER NOT NULL,
    last_sequence  INTEGER NOT NULL,
    base_offset    INTEGER NOT NULL,
    last_offset    INTEGER NOT NULL,
    PRIMARY KEY (producer_id, topic_id, partition),
    FOREIGN KEY (topic_id, partition) REFERENCES partitions (topic_id, partition) ON DELETE CASCADE
  ) STRICT, WITHOUT ROWID;

  -- Members of the groups a kt broker coordinates for wire clients (they live in that process),
  -- published so that other kt processes can show them; assignment is the member's
  -- ConsumerProtocolAssignment bytes (empty until its generation's SyncGroup).
  CREATE TABLE wire_group_members (
    group_id    TEXT    NOT NULL,
    member_id   TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    client_host TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    assignment  BLOB    NOT NULL,
    broker_pid  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 6: what kt consumer-groups needs to describe a wire group as Kafka's tool does. The engine
  // does not read the wire format, so the broker publishes each member's assigned partitions
  // decoded (JSON {"topic": [partitions]}, as group_members keeps them) beside the raw bytes, and
  // per group its state, chosen assignor (protocol name, '' unless Stable) and its coordinator's
  // advertised address. A row whose broker_pid is no longer running is stale and not shown.
  `
  ALTER TABLE wire_group_members ADD COLUMN partitions TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE wire_group_members ADD COLUMN group_instance_id TEXT;

  CREATE TABLE wire_groups (
    group_id      TEXT    NOT NULL PRIMARY KEY,
    state         TEXT    NOT NULL,
    protocol_type TEXT    NOT NULL,
    protocol_name TEXT    NOT NULL,
    generation    INTEGER NOT NULL,
    coordinator   TEXT    NOT NULL,
    node_id       INTEGER NOT NULL,
    broker_pid    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
]
