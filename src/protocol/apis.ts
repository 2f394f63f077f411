// The schema of every API kt broker speaks, transcribed from Kafka's JSON message definitions
// (clients/src/main/resources/common/message/*.json) for the versions in `versions`. Field names
// are Kafka's, in camelCase. Only versions listed here can be advertised.
import {type ApiSchema, f, range} from './schema.js'

const INT32_MIN = -2_147_483_648

function api(
  apiKey: number,
  name: string,
  versions: string,
  flexible: number,
  request: ApiSchema['request']['fields'],
  response: ApiSchema['response']['fields'],
): ApiSchema {
  return {apiKey, flexible, name, request: {fields: request}, response: {fields: response}, versions: range(versions)}
}

// v0-2 carry the old message formats (magic 0/1), which kt does not store; they are in the
// range because librdkafka before 2.11 compresses only if Produce v0 is advertised (it checks
// [0, 0] against the broker's range for gzip, snappy and lz4), as Kafka 4 also keeps them
// advertised. The handler refuses them per partition with UNSUPPORTED_VERSION.
export const Produce = api(
  0,
  'Produce',
  '0-9',
  9,
  [
    f('transactionalId', 'string', '3+', {nullable: '3+'}),
    f('acks', 'int16'),
    f('timeoutMs', 'int32'),
    f('topicData', [
      f('name', 'string'),
      f('partitionData', [f('index', 'int32'), f('records', 'records', '0+', {nullable: '0+'})]),
    ]),
  ],
  [
    f('responses', [
      f('name', 'string'),
      f('partitionResponses', [
        f('index', 'int32'),
        f('errorCode', 'int16'),
        f('baseOffset', 'int64'),
        f('logAppendTimeMs', 'int64', '2+', {default: -1}),
        f('logStartOffset', 'int64', '5+', {default: -1}),
        f(
          'recordErrors',
          [f('batchIndex', 'int32'), f('batchIndexErrorMessage', 'string', '8+', {nullable: '8+'})],
          '8+',
        ),
        f('errorMessage', 'string', '8+', {nullable: '8+'}),
      ]),
    ]),
    f('throttleTimeMs', 'int32', '1+'),
  ],
)

export const Fetch = api(
  1,
  'Fetch',
  '4-13',
  12,
  [
    f('clusterId', 'string', '12+', {default: null, nullable: '12+', tag: 0}),
    f('replicaId', 'int32', '0-14', {default: -1}),
    f('maxWaitMs', 'int32'),
    f('minBytes', 'int32'),
    f('maxBytes', 'int32', '3+', {default: 0x7f_ff_ff_ff}),
    f('isolationLevel', 'int8', '4+'),
    f('sessionId', 'int32', '7+'),
    f('sessionEpoch', 'int32', '7+', {default: -1}),
    f('topics', [
      f('topic', 'string', '0-12'),
      f('topicId', 'uuid', '13+'),
      f('partitions', [
        f('partition', 'int32'),
        f('currentLeaderEpoch', 'int32', '9+', {default: -1}),
        f('fetchOffset', 'int64'),
        f('lastFetchedEpoch', 'int32', '12+', {default: -1}),
        f('logStartOffset', 'int64', '5+', {default: -1}),
        f('partitionMaxBytes', 'int32'),
      ]),
    ]),
    f(
      'forgottenTopicsData',
      [f('topic', 'string', '7-12'), f('topicId', 'uuid', '13+'), f('partitions', '[]int32')],
      '7+',
    ),
    f('rackId', 'string', '11+'),
  ],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '7+'),
    f('sessionId', 'int32', '7+'),
    f('responses', [
      f('topic', 'string', '0-12'),
      f('topicId', 'uuid', '13+'),
      f('partitions', [
        f('partitionIndex', 'int32'),
        f('errorCode', 'int16'),
        f('highWatermark', 'int64'),
        f('lastStableOffset', 'int64', '4+', {default: -1}),
        f('logStartOffset', 'int64', '5+', {default: -1}),
        f('abortedTransactions', [f('producerId', 'int64'), f('firstOffset', 'int64')], '4+', {nullable: '4+'}),
        f('preferredReadReplica', 'int32', '11+', {default: -1}),
        f('records', 'records', '0+', {nullable: '0+'}),
      ]),
    ]),
  ],
)

export const ListOffsets = api(
  2,
  'ListOffsets',
  '1-7',
  6,
  [
    f('replicaId', 'int32'),
    f('isolationLevel', 'int8', '2+'),
    f('topics', [
      f('name', 'string'),
      f('partitions', [
        f('partitionIndex', 'int32'),
        f('currentLeaderEpoch', 'int32', '4+', {default: -1}),
        f('timestamp', 'int64'),
      ]),
    ]),
  ],
  [
    f('throttleTimeMs', 'int32', '2+'),
    f('topics', [
      f('name', 'string'),
      f('partitions', [
        f('partitionIndex', 'int32'),
        f('errorCode', 'int16'),
        f('timestamp', 'int64', '1+', {default: -1}),
        f('offset', 'int64', '1+', {default: -1}),
        f('leaderEpoch', 'int32', '4+', {default: -1}),
      ]),
    ]),
  ],
)

export const Metadata = api(
  3,
  'Metadata',
  '0-12',
  9,
  [
    f('topics', [f('topicId', 'uuid', '10+'), f('name', 'string', '0+', {nullable: '10+'})], '0+', {nullable: '1+'}),
    f('allowAutoTopicCreation', 'bool', '4+', {default: true}),
    f('includeClusterAuthorizedOperations', 'bool', '8-10'),
    f('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  [
    f('throttleTimeMs', 'int32', '3+'),
    f('brokers', [
      f('nodeId', 'int32'),
      f('host', 'string'),
      f('port', 'int32'),
      f('rack', 'string', '1+', {nullable: '1+'}),
    ]),
    f('clusterId', 'string', '2+', {default: null, nullable: '2+'}),
    f('controllerId', 'int32', '1+', {default: -1}),
    f('topics', [
      f('errorCode', 'int16'),
      f('name', 'string', '0+', {nullable: '12+'}),
      f('topicId', 'uuid', '10+'),
      f('isInternal', 'bool', '1+'),
      f('partitions', [
        f('errorCode', 'int16'),
        f('partitionIndex', 'int32'),
        f('leaderId', 'int32'),
        f('leaderEpoch', 'int32', '7+', {default: -1}),
        f('replicaNodes', '[]int32'),
        f('isrNodes', '[]int32'),
        f('offlineReplicas', '[]int32', '5+'),
      ]),
      f('topicAuthorizedOperations', 'int32', '8+', {default: INT32_MIN}),
    ]),
    f('clusterAuthorizedOperations', 'int32', '8-10', {default: INT32_MIN}),
  ],
)

export const OffsetCommit = api(
  8,
  'OffsetCommit',
  '2-8',
  8,
  [
    f('groupId', 'string'),
    f('generationIdOrMemberEpoch', 'int32', '1+', {default: -1}),
    f('memberId', 'string', '1+'),
    f('groupInstanceId', 'string', '7+', {default: null, nullable: '7+'}),
    f('retentionTimeMs', 'int64', '2-4', {default: -1}),
    f('topics', [
      f('name', 'string'),
      f('partitions', [
        f('partitionIndex', 'int32'),
        f('committedOffset', 'int64'),
        f('committedLeaderEpoch', 'int32', '6+', {default: -1}),
        f('committedMetadata', 'string', '0+', {nullable: '0+'}),
      ]),
    ]),
  ],
  [
    f('throttleTimeMs', 'int32', '3+'),
    f('topics', [f('name', 'string'), f('partitions', [f('partitionIndex', 'int32'), f('errorCode', 'int16')])]),
  ],
)

const offsetFetchPartitions = [
  f('partitionIndex', 'int32'),
  f('committedOffset', 'int64'),
  f('committedLeaderEpoch', 'int32', '5+', {default: -1}),
  f('metadata', 'string', '0+', {nullable: '0+'}),
  f('errorCode', 'int16'),
]

export const OffsetFetch = api(
  9,
  'OffsetFetch',
  '1-8',
  6,
  [
    f('groupId', 'string', '0-7'),
    f('topics', [f('name', 'string'), f('partitionIndexes', '[]int32')], '0-7', {nullable: '2-7'}),
    f(
      'groups',
      [
        f('groupId', 'string'),
        f('topics', [f('name', 'string'), f('partitionIndexes', '[]int32')], '8+', {nullable: '8+'}),
      ],
      '8+',
    ),
    f('requireStable', 'bool', '7+'),
  ],
  [
    f('throttleTimeMs', 'int32', '3+'),
    f('topics', [f('name', 'string'), f('partitions', offsetFetchPartitions)], '0-7'),
    f('errorCode', 'int16', '2-7'),
    f(
      'groups',
      [
        f('groupId', 'string'),
        f('topics', [f('name', 'string'), f('partitions', offsetFetchPartitions)]),
        f('errorCode', 'int16'),
      ],
      '8+',
    ),
  ],
)

export const FindCoordinator = api(
  10,
  'FindCoordinator',
  '0-4',
  3,
  [f('key', 'string', '0-3'), f('keyType', 'int8', '1+'), f('coordinatorKeys', '[]string', '4+')],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0-3'),
    f('errorMessage', 'string', '1-3', {default: null, nullable: '1-3'}),
    f('nodeId', 'int32', '0-3'),
    f('host', 'string', '0-3'),
    f('port', 'int32', '0-3'),
    f(
      'coordinators',
      [
        f('key', 'string'),
        f('nodeId', 'int32'),
        f('host', 'string'),
        f('port', 'int32'),
        f('errorCode', 'int16'),
        f('errorMessage', 'string', '0+', {default: null, nullable: '0+'}),
      ],
      '4+',
    ),
  ],
)

export const JoinGroup = api(
  11,
  'JoinGroup',
  '0-9',
  6,
  [
    f('groupId', 'string'),
    f('sessionTimeoutMs', 'int32'),
    f('rebalanceTimeoutMs', 'int32', '1+', {default: -1}),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '5+', {default: null, nullable: '5+'}),
    f('protocolType', 'string'),
    f('protocols', [f('name', 'string'), f('metadata', 'bytes')]),
    f('reason', 'string', '8+', {default: null, nullable: '8+'}),
  ],
  [
    f('throttleTimeMs', 'int32', '2+'),
    f('errorCode', 'int16'),
    f('generationId', 'int32', '0+', {default: -1}),
    f('protocolType', 'string', '7+', {default: null, nullable: '7+'}),
    f('protocolName', 'string', '0+', {nullable: '7+'}),
    f('leader', 'string'),
    f('skipAssignment', 'bool', '9+'),
    f('memberId', 'string'),
    f('members', [
      f('memberId', 'string'),
      f('groupInstanceId', 'string', '5+', {default: null, nullable: '5+'}),
      f('metadata', 'bytes'),
    ]),
  ],
)

export const Heartbeat = api(
  12,
  'Heartbeat',
  '0-4',
  4,
  [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '3+', {default: null, nullable: '3+'}),
  ],
  [f('throttleTimeMs', 'int32', '1+'), f('errorCode', 'int16')],
)

export const LeaveGroup = api(
  13,
  'LeaveGroup',
  '0-5',
  4,
  [
    f('groupId', 'string'),
    f('memberId', 'string', '0-2'),
    f(
      'members',
      [
        f('memberId', 'string'),
        f('groupInstanceId', 'string', '3+', {default: null, nullable: '3+'}),
        f('reason', 'string', '5+', {default: null, nullable: '5+'}),
      ],
      '3+',
    ),
  ],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    f(
      'members',
      [
        f('memberId', 'string'),
        f('groupInstanceId', 'string', '3+', {default: null, nullable: '3+'}),
        f('errorCode', 'int16'),
      ],
      '3+',
    ),
  ],
)

export const SyncGroup = api(
  14,
  'SyncGroup',
  '0-5',
  4,
  [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '3+', {default: null, nullable: '3+'}),
    f('protocolType', 'string', '5+', {default: null, nullable: '5+'}),
    f('protocolName', 'string', '5+', {default: null, nullable: '5+'}),
    f('assignments', [f('memberId', 'string'), f('assignment', 'bytes')]),
  ],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    f('protocolType', 'string', '5+', {default: null, nullable: '5+'}),
    f('protocolName', 'string', '5+', {default: null, nullable: '5+'}),
    f('assignment', 'bytes'),
  ],
)

export const DescribeGroups = api(
  15,
  'DescribeGroups',
  '0-5',
  5,
  [f('groups', '[]string'), f('includeAuthorizedOperations', 'bool', '3+')],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('groups', [
      f('errorCode', 'int16'),
      f('groupId', 'string'),
      f('groupState', 'string'),
      f('protocolType', 'string'),
      f('protocolData', 'string'),
      f('members', [
        f('memberId', 'string'),
        f('groupInstanceId', 'string', '4+', {default: null, nullable: '4+'}),
        f('clientId', 'string'),
        f('clientHost', 'string'),
        f('memberMetadata', 'bytes'),
        f('memberAssignment', 'bytes'),
      ]),
      f('authorizedOperations', 'int32', '3+', {default: INT32_MIN}),
    ]),
  ],
)

export const ListGroups = api(
  16,
  'ListGroups',
  '0-4',
  3,
  [f('statesFilter', '[]string', '4+')],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    f('groups', [f('groupId', 'string'), f('protocolType', 'string'), f('groupState', 'string', '4+')]),
  ],
)

export const ApiVersions = api(
  18,
  'ApiVersions',
  '0-3',
  3,
  [f('clientSoftwareName', 'string', '3+'), f('clientSoftwareVersion', 'string', '3+')],
  [
    f('errorCode', 'int16'),
    f('apiKeys', [f('apiKey', 'int16'), f('minVersion', 'int16'), f('maxVersion', 'int16')]),
    f('throttleTimeMs', 'int32', '1+'),
  ],
)

export const CreateTopics = api(
  19,
  'CreateTopics',
  '0-7',
  5,
  [
    f('topics', [
      f('name', 'string'),
      f('numPartitions', 'int32'),
      f('replicationFactor', 'int16'),
      f('assignments', [f('partitionIndex', 'int32'), f('brokerIds', '[]int32')]),
      f('configs', [f('name', 'string'), f('value', 'string', '0+', {nullable: '0+'})]),
    ]),
    f('timeoutMs', 'int32'),
    f('validateOnly', 'bool', '1+'),
  ],
  [
    f('throttleTimeMs', 'int32', '2+'),
    f('topics', [
      f('name', 'string'),
      f('topicId', 'uuid', '7+'),
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '1+', {default: null, nullable: '0+'}),
      f('topicConfigErrorCode', 'int16', '5+', {tag: 0}),
      f('numPartitions', 'int32', '5+', {default: -1}),
      f('replicationFactor', 'int16', '5+', {default: -1}),
      f(
        'configs',
        [
          f('name', 'string'),
          f('value', 'string', '5+', {nullable: '5+'}),
          f('readOnly', 'bool'),
          f('configSource', 'int8', '5+', {default: -1}),
          f('isSensitive', 'bool'),
        ],
        '5+',
        {nullable: '5+'},
      ),
    ]),
  ],
)

export const DeleteTopics = api(
  20,
  'DeleteTopics',
  '0-6',
  4,
  [
    f('topics', [f('name', 'string', '6+', {nullable: '6+'}), f('topicId', 'uuid', '6+')], '6+'),
    f('topicNames', '[]string', '0-5'),
    f('timeoutMs', 'int32'),
  ],
  [
    f('throttleTimeMs', 'int32', '1+'),
    f('responses', [
      f('name', 'string', '0+', {nullable: '6+'}),
      f('topicId', 'uuid', '6+'),
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '5+', {default: null, nullable: '5+'}),
    ]),
  ],
)

export const InitProducerId = api(
  22,
  'InitProducerId',
  '0-4',
  2,
  [
    f('transactionalId', 'string', '0+', {nullable: '0+'}),
    f('transactionTimeoutMs', 'int32'),
    f('producerId', 'int64', '3+', {default: -1}),
    f('producerEpoch', 'int16', '3+', {default: -1}),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('errorCode', 'int16'),
    f('producerId', 'int64', '0+', {default: -1}),
    f('producerEpoch', 'int16'),
  ],
)

export const DescribeConfigs = api(
  32,
  'DescribeConfigs',
  '0-4',
  4,
  [
    f('resources', [
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      f('configurationKeys', '[]string', '0+', {nullable: '0+'}),
    ]),
    f('includeSynonyms', 'bool', '1+'),
    f('includeDocumentation', 'bool', '3+'),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('results', [
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '0+', {default: null, nullable: '0+'}),
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      f('configs', [
        f('name', 'string'),
        f('value', 'string', '0+', {nullable: '0+'}),
        f('readOnly', 'bool'),
        f('isDefault', 'bool', '0'),
        f('configSource', 'int8', '1+', {default: -1}),
        f('isSensitive', 'bool'),
        f('synonyms', [f('name', 'string'), f('value', 'string', '0+', {nullable: '0+'}), f('source', 'int8')], '1+'),
        f('configType', 'int8', '3+'),
        f('documentation', 'string', '3+', {default: null, nullable: '0+'}),
      ]),
    ]),
  ],
)

export const CreatePartitions = api(
  37,
  'CreatePartitions',
  '0-3',
  2,
  [
    f('topics', [
      f('name', 'string'),
      f('count', 'int32'),
      f('assignments', [f('brokerIds', '[]int32')], '0+', {nullable: '0+'}),
    ]),
    f('timeoutMs', 'int32'),
    f('validateOnly', 'bool'),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('results', [
      f('name', 'string'),
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '0+', {default: null, nullable: '0+'}),
    ]),
  ],
)

export const DeleteGroups = api(
  42,
  'DeleteGroups',
  '0-2',
  2,
  [f('groupsNames', '[]string')],
  [f('throttleTimeMs', 'int32'), f('results', [f('groupId', 'string'), f('errorCode', 'int16')])],
)

export const OffsetDelete = api(
  47,
  'OffsetDelete',
  '0',
  Infinity,
  [f('groupId', 'string'), f('topics', [f('name', 'string'), f('partitions', [f('partitionIndex', 'int32')])])],
  [
    f('errorCode', 'int16'),
    f('throttleTimeMs', 'int32'),
    f('topics', [f('name', 'string'), f('partitions', [f('partitionIndex', 'int32'), f('errorCode', 'int16')])]),
  ],
)

// kt configs / kt delete-records against a cluster (issue 11), and whatever admin clients send:
// DeleteRecords, AlterConfigs (the legacy whole-set replacement kafkajs and librdkafka use),
// DescribeLogDirs (partition sizes) and IncrementalAlterConfigs (kafka-configs since Kafka 2.3).
export const DeleteRecords = api(
  21,
  'DeleteRecords',
  '0-2',
  2,
  [
    f('topics', [f('name', 'string'), f('partitions', [f('partitionIndex', 'int32'), f('offset', 'int64')])]),
    f('timeoutMs', 'int32'),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('topics', [
      f('name', 'string'),
      f('partitions', [f('partitionIndex', 'int32'), f('lowWatermark', 'int64'), f('errorCode', 'int16')]),
    ]),
  ],
)

export const AlterConfigs = api(
  33,
  'AlterConfigs',
  '0-2',
  2,
  [
    f('resources', [
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      f('configs', [f('name', 'string'), f('value', 'string', '0+', {nullable: '0+'})]),
    ]),
    f('validateOnly', 'bool'),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('responses', [
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '0+', {default: null, nullable: '0+'}),
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
    ]),
  ],
)

export const DescribeLogDirs = api(
  35,
  'DescribeLogDirs',
  '0-4',
  2,
  [f('topics', [f('topic', 'string'), f('partitions', '[]int32')], '0+', {nullable: '0+'})],
  [
    f('throttleTimeMs', 'int32'),
    f('errorCode', 'int16', '3+'),
    f('results', [
      f('errorCode', 'int16'),
      f('logDir', 'string'),
      f('topics', [
        f('name', 'string'),
        f('partitions', [
          f('partitionIndex', 'int32'),
          f('partitionSize', 'int64'),
          f('offsetLag', 'int64'),
          f('isFutureKey', 'bool'),
        ]),
      ]),
      f('totalBytes', 'int64', '4+', {default: -1}),
      f('usableBytes', 'int64', '4+', {default: -1}),
    ]),
  ],
)

export const IncrementalAlterConfigs = api(
  44,
  'IncrementalAlterConfigs',
  '0-1',
  1,
  [
    f('resources', [
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      f('configs', [f('name', 'string'), f('configOperation', 'int8'), f('value', 'string', '0+', {nullable: '0+'})]),
    ]),
    f('validateOnly', 'bool'),
  ],
  [
    f('throttleTimeMs', 'int32'),
    f('responses', [
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '0+', {default: null, nullable: '0+'}),
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
    ]),
  ],
)

/** Every schema this codec has, by API key. */
export const SCHEMAS: ReadonlyMap<number, ApiSchema> = new Map(
  [
    Produce,
    Fetch,
    ListOffsets,
    Metadata,
    OffsetCommit,
    OffsetFetch,
    FindCoordinator,
    JoinGroup,
    Heartbeat,
    LeaveGroup,
    SyncGroup,
    DescribeGroups,
    ListGroups,
    ApiVersions,
    CreateTopics,
    DeleteTopics,
    InitProducerId,
    DescribeConfigs,
    CreatePartitions,
    DeleteGroups,
    OffsetDelete,
    DeleteRecords,
    AlterConfigs,
    DescribeLogDirs,
    IncrementalAlterConfigs,
  ].map((s) => [s.apiKey, s]),
)
