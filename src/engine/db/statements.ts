// Every SQL statement kt runs, one named constant each. Engine modules refer to them by name
// through Db.stmt(); nothing outside src/engine/db contains SQL.

export const SQL = {
  // topics
  topicByName: `SELECT topic_id, name, topic_uuid, partition_count, replication_factor, is_internal
                FROM topics WHERE name = ?`,
  topicCollision: `SELECT name FROM topics
                   WHERE replace(name, '.', '_') = replace(@name, '.', '_') AND name <> @name LIMIT 1`,
  topicConfigsOf: `SELECT name, value FROM topic_configs WHERE topic_id = ? ORDER BY name`,
  topicConfigUpsert: `INSERT INTO topic_configs (topic_id, name, value) VALUES (?, ?, ?)
                      ON CONFLICT (topic_id, name) DO UPDATE SET value = excluded.value`,
  topicDelete: `DELETE FROM topics WHERE topic_id = ?`,
  topicInsert: `INSERT INTO topics (name, topic_uuid, partition_count, replication_factor, is_internal, created_at)
                VALUES (?, ?, ?, ?, ?, ?)`,
  topicNames: `SELECT name FROM topics ORDER BY name`,
  topicSetPartitionCount: `UPDATE topics SET partition_count = ? WHERE topic_id = ?`,

  // partitions (watermarks)
  partitionAdvance: `UPDATE partitions
                     SET log_end_offset = ?, record_count = record_count + ?, size_bytes = size_bytes + ?,
                         log_max_timestamp = ?
                     WHERE topic_id = ? AND partition = ?`,
  partitionInsert: `INSERT INTO partitions (topic_id, partition) VALUES (?, ?)`,
  partitionState: `SELECT log_start_offset, log_end_offset, log_max_timestamp
                   FROM partitions WHERE topic_id = ? AND partition = ?`,
  partitionsOf: `SELECT partition, log_start_offset, log_end_offset, record_count, size_bytes
                 FROM partitions WHERE topic_id = ? ORDER BY partition`,

  // record batches
  batchInsert: `INSERT INTO batches (topic_id, partition, base_offset, last_offset, max_timestamp,
                                     log_max_timestamp, record_count, size_bytes, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // From the batch holding @offset onwards, in offset order.
  batchesFrom: `SELECT base_offset, last_offset, data FROM batches
                WHERE topic_id = @topicId AND partition = @partition AND last_offset >= @offset
                  AND base_offset >= IFNULL((SELECT max(base_offset) FROM batches
                                             WHERE topic_id = @topicId AND partition = @partition
                                               AND base_offset <= @offset), 0)
                ORDER BY base_offset`,
  // Batches whose running max timestamp reaches @timestamp, in offset order (rowids grow with
  // offsets within a partition, so the index on log_max_timestamp serves the ordering).
  batchesAtTime: `SELECT base_offset, data FROM batches
                  WHERE topic_id = @topicId AND partition = @partition AND log_max_timestamp >= @timestamp
                    AND last_offset >= @logStartOffset
                  ORDER BY log_max_timestamp, batch_id`,

  // consumer groups
  groupById: `SELECT group_id, assignor, generation FROM groups WHERE group_id = ?`,
  groupDeleteIfUnused: `DELETE FROM groups WHERE group_id = @groupId
                          AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = @groupId)
                          AND NOT EXISTS (SELECT 1 FROM group_offsets WHERE group_id = @groupId)`,
  groupInsertIfMissing: `INSERT INTO groups (group_id, assignor, created_at, updated_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (group_id) DO NOTHING`,
  groupSetGeneration: `UPDATE groups SET generation = ?, assignor = ?, updated_at = ? WHERE group_id = ?`,
  memberById: `SELECT member_id, client_host, process_id, subscription, assignment, generation,
                      session_timeout_ms, last_heartbeat
               FROM group_members WHERE group_id = ? AND member_id = ?`,
  memberCount: `SELECT count(*) FROM group_members WHERE group_id = ?`,
  memberDelete: `DELETE FROM group_members WHERE group_id = ? AND member_id = ?`,
  memberHeartbeat: `UPDATE group_members SET last_heartbeat = ? WHERE group_id = ? AND member_id = ?`,
  memberInsert: `INSERT INTO group_members (group_id, member_id, client_id, client_host, process_id, subscription,
                                            session_timeout_ms, last_heartbeat, joined_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  memberSetAssignment: `UPDATE group_members SET assignment = ?, generation = ? WHERE group_id = ? AND member_id = ?`,
  memberSetSubscription: `UPDATE group_members SET subscription = ?, last_heartbeat = ? WHERE group_id = ? AND member_id = ?`,
  membersOfGroup: `SELECT member_id, client_host, process_id, subscription, assignment, generation,
                          session_timeout_ms, last_heartbeat
                   FROM group_members WHERE group_id = ? ORDER BY member_id`,
  offsetUpsert: `INSERT INTO group_offsets (group_id, topic, partition, committed_offset, commit_timestamp)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (group_id, topic, partition)
                 DO UPDATE SET committed_offset = excluded.committed_offset,
                               commit_timestamp = excluded.commit_timestamp`,
  offsetsOfGroup: `SELECT topic, partition, committed_offset FROM group_offsets
                   WHERE group_id = ? ORDER BY topic, partition`,
  topicPartitionCount: `SELECT partition_count FROM topics WHERE name = ?`,

  // kt check (src/engine/check.ts): every partition, its batches in offset order, every commit
  checkPartitions: `SELECT t.topic_id, t.name AS topic, t.partition_count, p.partition, p.log_start_offset,
                           p.log_end_offset, p.record_count, p.size_bytes, p.log_max_timestamp
                    FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
                    ORDER BY t.name, p.partition`,
  checkBatches: `SELECT base_offset, last_offset, max_timestamp, log_max_timestamp, record_count, size_bytes, data
                 FROM batches WHERE topic_id = ? AND partition = ? AND base_offset >= ?
                 ORDER BY base_offset`,
  checkOrphanBatches: `SELECT count(*) FROM batches b
                       WHERE NOT EXISTS (SELECT 1 FROM partitions p
                                         WHERE p.topic_id = b.topic_id AND p.partition = b.partition)`,
  checkCommittedOffsets: `SELECT group_id, topic, partition, committed_offset FROM group_offsets
                          ORDER BY group_id, topic, partition`,
} as const

export type StatementName = keyof typeof SQL
