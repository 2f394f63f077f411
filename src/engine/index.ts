// The engine's public surface: commands import from here and nowhere else in src/engine.
import {type Broker, type BrokerOptions, EmbeddedBroker, type StoreBroker} from './broker.js'
import {KtError} from './errors.js'

export type {
  Acks,
  Broker,
  BrokerOptions,
  StoreBroker,
  OffsetAndTimestamp,
  ProduceOutcome,
  TopicListing,
  TopicMetadata,
  WireGroupMember,
  WireGroupSummary,
} from './broker.js'
export type {ProducerIdAndEpoch} from './producers.js'
export type {AssignorName} from './assignors.js'
export {ASSIGNOR_CLASSES} from './assignors.js'
export type {CommittedOffset, JoinGroupRequest, MemberAssignment, MemberCheck, SyncRequest} from './groups.js'
export type {
  DeleteGroupsResult,
  DeleteOffsetsResult,
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  GroupOffsetDescription,
  GroupResetPlan,
  GroupState,
  PartitionOffset,
  PlannedOffset,
  ResetHistoryEntry,
  ResetRequest,
  ResetResult,
  ResetScenario,
  ResetScope,
} from './group-admin.js'
export type {BrokerConfig} from './broker-config.js'
export type {CheckProblem, CheckProblemKind, CheckReport} from './check.js'
export {unopenableStoreReport} from './check.js'
export {SERVER_PROPERTIES} from './broker-config.js'
// remote admin (kt broker's DescribeConfigs types)
export {BROKER_SETTINGS} from './broker-config.js'
export {validateTopicConfig} from './configs.js'
export {staticBrokerSettings} from './broker.js'
export {TOPIC_CONFIGS} from './configs.js'
export type {ConfigEntry, ConfigSource, ConfigSynonym} from './configs.js'
export type {CleanerReport} from './retention.js'
export {isCompressionType, SUPPORTED_COMPRESSION, type CompressionType} from './compression.js'
export {invalidValue, isKtError, KtError, type KtErrorCode, storageError} from './errors.js'
export {DB_FILE} from './db/connection.js'
export {parseJavaProperties} from './java-properties.js'
export {
  partitionForKey,
  murmur2,
  RoundRobinPartitioner,
  StickyPartitioner,
  type NullKeyPartitioner,
} from './partitioner.js'
export {
  checkBatch,
  forEachRecord,
  readBatchHeader,
  NO_HEADERS,
  RecordBatchBuilder,
  RecordView,
  type Header,
  type Record,
  type TimestampType,
} from './record-batch.js'
export {hasCollidingCharacters, INTERNAL_TOPICS, unknownTopic} from './topics.js'
export {noSuchPartition} from './log.js'
export {varintSize} from './varint.js'
export type * from './types.js'

/** Opens (creating if needed) the store in dataDir and returns the embedded broker over it. */
export async function openBroker(dataDir: string, options: BrokerOptions = {}): Promise<Broker> {
  return EmbeddedBroker.open(dataDir, options)
}

/** The broker as the store `kt broker` serves; a broker that is not the local store is refused. */
export function storeBrokerOf(broker: Broker): StoreBroker {
  if (broker instanceof EmbeddedBroker) return broker
  throw new KtError('INVALID_REQUEST', 'kt broker serves the local store; it does not front another cluster')
}
// The one --reset-offsets planner (src/engine/reset-planner.ts), over the store or a cluster.
export {planResetWith} from './reset-planner.js'
export {GROUP_SUBSCRIBED_TO_TOPIC, groupOffsetRow} from './group-admin.js'
export type {Awaitable, OffsetsSource, PartitionWatermarks} from './reset-planner.js'
