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

  -- Committed offset = the next offset the group will read. Keyed by topic name, as Kafka's
  -- offsets outlive a deleted topic.
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
  // kt broker: idempotent producers. A producer id with its current epoch, and per partition the
  // sequence range and offsets of the producer's last appended batch, so that a retried batch
  // is answered with its original offsets instead of being stored twice.
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
  `,
]
