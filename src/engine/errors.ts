// Expected failures carry one of Kafka's error names, so that the CLI, the future wire protocol
// and tests speak the same vocabulary. The message is the one line a user sees.

export type KtErrorCode =
  | 'CORRUPT_MESSAGE'
  | 'GROUP_ID_NOT_FOUND'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_CONFIG'
  | 'INVALID_GROUP_ID'
  | 'INVALID_PARTITIONS'
  | 'INVALID_RECORD'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_REQUEST'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'KAFKA_STORAGE_ERROR'
  | 'MESSAGE_TOO_LARGE'
  | 'NON_EMPTY_GROUP'
  | 'OFFSET_OUT_OF_RANGE'
  | 'TOPIC_ALREADY_EXISTS'
  | 'TOPIC_DELETION_DISABLED'
  | 'UNKNOWN_MEMBER_ID'
  | 'UNKNOWN_TOPIC_ID'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'UNSUPPORTED_COMPRESSION_TYPE'

export class KtError extends Error {
  constructor(
    readonly code: KtErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'KtError'
  }
}

export function isKtError(error: unknown, code?: KtErrorCode): error is KtError {
  return error instanceof KtError && (code === undefined || error.code === code)
}
