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

  // consumer groups (groups.ts): members, their target assignment and what they own, handover
  groupById: `SELECT group_id, assignor, generation, partition_counts, assign_after FROM groups WHERE group_id = ?`,
  groupDeleteIfUnused: `DELETE FROM groups WHERE group_id = @groupId
                          AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = @groupId)
                          AND NOT EXISTS (SELECT 1 FROM group_offsets WHERE group_id = @groupId)`,
  groupInsertIfMissing: `INSERT INTO groups (group_id, assignor, created_at, updated_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (group_id) DO NOTHING`,
  groupSetAssignAfter: `UPDATE groups SET assign_after = ? WHERE group_id = ?`,
  groupSetGeneration: `UPDATE groups SET generation = ?, assignor = ?, partition_counts = ?, updated_at = ?
                       WHERE group_id = ?`,
  groupsWithOffsetsOnTopic: `SELECT DISTINCT group_id FROM group_offsets WHERE topic = ?`,
  memberById: `SELECT member_id, client_id, client_host, process_id, subscription, assignment, generation,
                      session_timeout_ms, last_heartbeat, joined_at, owned, acked_generation, protocols
               FROM group_members WHERE group_id = ? AND member_id = ?`,
  memberCount: `SELECT count(*) FROM group_members WHERE group_id = ?`,
  memberDelete: `DELETE FROM group_members WHERE group_id = ? AND member_id = ?`,
  memberHeartbeat: `UPDATE group_members SET last_heartbeat = ? WHERE group_id = ? AND member_id = ?`,
  memberInsert: `INSERT INTO group_members (group_id, member_id, client_id, client_host, process_id, subscription,
                                            session_timeout_ms, last_heartbeat, joined_at, protocols)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  memberSetAssignment: `UPDATE group_members SET assignment = ?, generation = ? WHERE group_id = ? AND member_id = ?`,
  memberSetOwned: `UPDATE group_members SET owned = ?, acked_generation = ? WHERE group_id = ? AND member_id = ?`,
  memberSetSubscription: `UPDATE group_members SET subscription = ?, last_heartbeat = ? WHERE group_id = ? AND member_id = ?`,
  membersOfGroup: `SELECT member_id, client_id, client_host, process_id, subscription, assignment, generation,
                          session_timeout_ms, last_heartbeat, joined_at, owned, acked_generation, protocols
                   FROM group_members WHERE group_id = ? ORDER BY member_id`,
  offsetUpsert: `INSERT INTO group_offsets (group_id, topic, partition, committed_offset, commit_timestamp)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (group_id, topic, partition)
                 DO UPDATE SET committed_offset = excluded.committed_offset,
                               commit_timestamp = excluded.commit_timestamp`,
  offsetsDeleteOfTopic: `DELETE FROM group_offsets WHERE topic = ?`,
  offsetsOfGroup: `SELECT topic, partition, committed_offset FROM group_offsets
                   WHERE group_id = ? ORDER BY topic, partition`,
  topicPartitionCount: `SELECT partition_count FROM topics WHERE name = ?`,

  // consumer-groups administration (src/engine/group-admin.ts): list, describe, reset, delete,
  // delete-offsets and the reset history. Describe and list only read.
  groupAdminGroups: `SELECT group_id, assignor FROM groups ORDER BY group_id`,
  groupAdminGroup: `SELECT group_id, assignor FROM groups WHERE group_id = ?`,
  // Committed offsets with the partition's log end offset (null when the topic or partition is gone).
  groupAdminOffsets: `SELECT o.topic, o.partition, o.committed_offset, p.log_end_offset
                      FROM group_offsets o
                      LEFT JOIN topics t ON t.name = o.topic
                      LEFT JOIN partitions p ON p.topic_id = t.topic_id AND p.partition = o.partition
                      WHERE o.group_id = ? ORDER BY o.topic, o.partition`,
  groupAdminOffset: `SELECT committed_offset FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?`,
  groupAdminWatermarks: `SELECT p.log_start_offset, p.log_end_offset
                         FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
                         WHERE t.name = ? AND p.partition = ?`,
  groupAdminInsertGroup: `INSERT INTO groups (group_id, assignor, created_at, updated_at) VALUES (?, '', ?, ?)
                          ON CONFLICT (group_id) DO NOTHING`,
  groupAdminUpsertOffset: `INSERT INTO group_offsets (group_id, topic, partition, committed_offset, commit_timestamp)
                           VALUES (?, ?, ?, ?, ?)
                           ON CONFLICT (group_id, topic, partition)
                           DO UPDATE SET committed_offset = excluded.committed_offset,
                                         commit_timestamp = excluded.commit_timestamp`,
  groupAdminDeleteOffset: `DELETE FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?`,
  groupAdminDeleteGroup: `DELETE FROM groups WHERE group_id = ?`,
  groupAdminDeleteHistory: `DELETE FROM group_offset_resets WHERE group_id = ?`,
  groupAdminInsertReset: `INSERT INTO group_offset_resets (group_id, reset_at, command) VALUES (?, ?, ?)`,
  groupAdminInsertResetEntry: `INSERT INTO group_offset_reset_entries (reset_id, topic, partition, old_offset, new_offset)
                               VALUES (?, ?, ?, ?, ?)`,
  groupAdminResets: `SELECT reset_id, reset_at, command FROM group_offset_resets WHERE group_id = ? ORDER BY reset_id`,
  groupAdminLastReset: `SELECT reset_id, reset_at, command FROM group_offset_resets
                        WHERE group_id = ? ORDER BY reset_id DESC LIMIT 1`,
  groupAdminResetEntries: `SELECT topic, partition, old_offset, new_offset FROM group_offset_reset_entries
                           WHERE reset_id = ? ORDER BY topic, partition`,
  // log cleaner: segments, retention, compaction, delete-records (src/engine/retention.ts, compaction.ts)
  partitionForAppend: `SELECT log_start_offset, log_end_offset, log_max_timestamp,
                              segment_base_offset, segment_rolled_at, segment_bytes
                       FROM partitions WHERE topic_id = ? AND partition = ?`,
  partitionAppend: `UPDATE partitions
                    SET log_end_offset = @logEndOffset, record_count = record_count + @records,
                        size_bytes = size_bytes + @bytes, log_max_timestamp = @logMaxTimestamp,
                        segment_base_offset = @segmentBaseOffset, segment_rolled_at = @segmentRolledAt,
                        segment_bytes = @segmentBytes
                    WHERE topic_id = @topicId AND partition = @partition`,
  cleanerLastCheck: `SELECT last_check FROM log_cleaner WHERE id = 1`,
  cleanerSetLastCheck: `UPDATE log_cleaner SET last_check = ? WHERE id = 1`,
  cleanerPartitions: `SELECT p.topic_id, t.name AS topic, p.partition, p.log_start_offset, p.log_end_offset,
                             p.size_bytes, p.segment_base_offset, p.cleaned_offset, p.tombstone_expiry
                      FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
                      ORDER BY t.name, p.partition`,
  cleanerPartition: `SELECT p.topic_id, t.name AS topic, p.partition, p.log_start_offset, p.log_end_offset,
                            p.size_bytes, p.segment_base_offset, p.cleaned_offset, p.tombstone_expiry
                     FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
                     WHERE p.topic_id = ? AND p.partition = ?`,
  // Batches whose running max timestamp is below @cutoff: a prefix of the log (time retention).
  batchesExpiredStats: `SELECT count(*) AS batches, max(last_offset) AS last_offset,
                               total(record_count) AS records, total(size_bytes) AS bytes
                        FROM batches WHERE topic_id = @topicId AND partition = @partition
                          AND log_max_timestamp < @cutoff`,
  batchesDeleteExpired: `DELETE FROM batches WHERE topic_id = @topicId AND partition = @partition
                           AND log_max_timestamp < @cutoff`,
  batchesOldestFirst: `SELECT base_offset, last_offset, record_count, size_bytes FROM batches
                       WHERE topic_id = ? AND partition = ? ORDER BY base_offset`,
  // Batches wholly below @offset (delete-records, size retention).
  batchesBelowStats: `SELECT count(*) AS batches, total(record_count) AS records, total(size_bytes) AS bytes
                      FROM batches WHERE topic_id = @topicId AND partition = @partition
                        AND base_offset < @offset AND last_offset < @offset`,
  batchesDeleteBelow: `DELETE FROM batches WHERE topic_id = @topicId AND partition = @partition
                         AND base_offset < @offset AND last_offset < @offset`,
  // The log start moves to @start (never backwards); what was deleted leaves the counters.
  partitionTrim: `UPDATE partitions
                  SET log_start_offset = max(log_start_offset, @start),
                      record_count = record_count - @records, size_bytes = size_bytes - @bytes,
                      segment_bytes = CASE WHEN @start > segment_base_offset THEN size_bytes - @bytes
                                           ELSE segment_bytes END,
                      segment_base_offset = max(segment_base_offset, @start)
                  WHERE topic_id = @topicId AND partition = @partition`,
  batchesBytesBetween: `SELECT total(size_bytes) FROM batches
                        WHERE topic_id = @topicId AND partition = @partition
                          AND base_offset >= @from AND base_offset < @to`,
  batchesFirstNewerThan: `SELECT min(base_offset) FROM batches
                          WHERE topic_id = @topicId AND partition = @partition AND log_max_timestamp > @cutoff`,
  // Batches holding offsets in [@from, @to), in offset order (the one straddling @from included).
  batchesForCleaning: `SELECT batch_id, base_offset, last_offset, record_count, size_bytes, data FROM batches
                       WHERE topic_id = @topicId AND partition = @partition
                         AND base_offset < @to AND last_offset >= @from
                       ORDER BY base_offset`,
  batchRewrite: `UPDATE batches SET data = ?, size_bytes = ?, record_count = ?, max_timestamp = ? WHERE batch_id = ?`,
  batchDelete: `DELETE FROM batches WHERE batch_id = ?`,
  topicConfigDelete: `DELETE FROM topic_configs WHERE topic_id = ? AND name = ?`,
  partitionCleaned: `UPDATE partitions
                     SET cleaned_offset = @cleanedOffset, record_count = record_count - @records,
                         size_bytes = size_bytes - @bytes, tombstone_expiry = @tombstoneExpiry
                     WHERE topic_id = @topicId AND partition = @partition`,
  // kt broker (wire protocol): topics with their ids, idempotent producer state, group admin.
  wireTopics: `SELECT name, topic_uuid, partition_count, is_internal FROM topics ORDER BY name`,
  wireProducerInsert: `INSERT INTO producer_ids (epoch, created_at) VALUES (0, ?)`,
  wireProducerById: `SELECT producer_id, epoch FROM producer_ids WHERE producer_id = ?`,
  wireProducerSetEpoch: `UPDATE producer_ids SET epoch = ? WHERE producer_id = ?`,
  wireSequenceOf: `SELECT epoch, first_sequence, last_sequence, base_offset, last_offset FROM producer_sequences
                   WHERE producer_id = ? AND topic_id = ? AND partition = ?`,
  // The newest batches' headers (61 bytes each), for a retried idempotent batch older than the last.
  batchHeadersNewestFirst: `SELECT base_offset, last_offset, substr(data, 1, 61) AS header FROM batches
                            WHERE topic_id = ? AND partition = ? ORDER BY base_offset DESC LIMIT ?`,
  wireSequenceUpsert: `INSERT INTO producer_sequences (producer_id, topic_id, partition, epoch, first_sequence,
                                                       last_sequence, base_offset, last_offset)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (producer_id, topic_id, partition) DO UPDATE SET
                         epoch = excluded.epoch, first_sequence = excluded.first_sequence,
                         last_sequence = excluded.last_sequence, base_offset = excluded.base_offset,
                         last_offset = excluded.last_offset`,
  wireGroupIds: `SELECT group_id FROM groups ORDER BY group_id`,
  wireGroupDelete: `DELETE FROM groups WHERE group_id = @groupId
                      AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = @groupId)`,
  wireOffsetDelete: `DELETE FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?`,
  wireMembersDelete: `DELETE FROM wire_group_members WHERE group_id = ?`,
  wireMembersDeleteOfBroker: `DELETE FROM wire_group_members WHERE broker_pid = ?`,
  wireMemberInsert: `INSERT INTO wire_group_members (group_id, member_id, client_id, client_host, generation, assignment,
                                                     broker_pid, updated_at, partitions, group_instance_id)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  wireMembersOf: `SELECT member_id, client_id, client_host, generation, assignment, broker_pid, partitions,
                         group_instance_id
                  FROM wire_group_members WHERE group_id = ? ORDER BY member_id`,
  wireOffsetMetadataSet: `UPDATE group_offsets SET metadata = ? WHERE group_id = ? AND topic = ? AND partition = ?`,
  wireOffsetMetadataOf: `SELECT topic, partition, metadata FROM group_offsets WHERE group_id = ? AND metadata <> ''`,
  // Wire groups as kt consumer-groups describes them (src/engine/group-admin.ts; migration 6).
  wireGroupUpsert: `INSERT INTO wire_groups (group_id, state, protocol_type, protocol_name, generation, coordinator,
                                             node_id, broker_pid, updated_at)
                    VALUES (@groupId, @state, @protocolType, @protocolName, @generation, @coordinator,
                            @nodeId, @brokerPid, @now)
                    ON CONFLICT (group_id) DO UPDATE SET
                      state = excluded.state, protocol_type = excluded.protocol_type,
                      protocol_name = excluded.protocol_name, generation = excluded.generation,
                      coordinator = excluded.coordinator, node_id = excluded.node_id,
                      broker_pid = excluded.broker_pid, updated_at = excluded.updated_at`,
  wireGroupRemove: `DELETE FROM wire_groups WHERE group_id = ?`,
  wireGroupsRemoveOfBroker: `DELETE FROM wire_groups WHERE broker_pid = ?`,
  wireGroupById: `SELECT group_id, state, protocol_type, protocol_name, coordinator, node_id, broker_pid
                  FROM wire_groups WHERE group_id = ?`,
  wireGroupsAll: `SELECT group_id, broker_pid FROM wire_groups ORDER BY group_id`,
  wireBrokerPids: `SELECT broker_pid FROM wire_groups UNION SELECT broker_pid FROM wire_group_members`,
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
