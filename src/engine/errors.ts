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
    /** The failure this one words (an SQLite error), for callers that act on its code. */
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.name = 'KtError'
  }
}

export function isKtError(error: unknown, code?: KtErrorCode): error is KtError {
  return error instanceof KtError && (code === undefined || error.code === code)
}

/**
 * Kafka's ConfigException text, `Invalid value <v> for configuration <name>: <reason>`: the one
 * builder of that message for the engine's config checks and every tool's options (src/cli
 * re-exports it; it lives here because the engine may not import the terminal side).
 */
export function invalidValue(name: string, value: string, reason: string): KtError {
  return new KtError('INVALID_CONFIG', `Invalid value ${value} for configuration ${name}: ${reason}`)
}

/**
 * A failure of the SQLite store as the one line a user sees: what happened, to which file, and
 * what was kept. `during` says what was being done: opening the store, a read (which changes
 * nothing) or a write transaction (rolled back whole, so everything committed before it is kept).
 */
export function storageError(error: unknown, file: string, during: 'open' | 'read' | 'write'): KtError {
  const code = (error as {code?: string}).code ?? ''
  const detail = (error as Error).message
  const kept =
    during === 'write'
      ? 'This write was rolled back; everything written before it is kept.'
      : 'The store was not changed.'
  let what: string
  if (code === 'SQLITE_FULL') what = `The disk holding the kt store '${file}' is full (${detail}).`
  else if (code.startsWith('SQLITE_CORRUPT'))
    what = `The kt store '${file}' is damaged (${detail}); run 'kt check' to see what is affected.`
  else if (code === 'SQLITE_NOTADB') what = `'${file}' is not a kt store (${detail}).`
  else if (code.startsWith('SQLITE_READONLY'))
    return new KtError(
      'KAFKA_STORAGE_ERROR',
      `The kt store '${file}' is read-only (${detail}): only reading without --group works. Nothing was written.`,
    )
  else if (code.startsWith('SQLITE_IOERR')) what = `I/O error on the kt store '${file}' (${detail}).`
  else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    what = `The kt store '${file}' stayed locked by another process (${detail}).`
  else if (/no such (table|column)/.test(detail))
    what = `The kt store '${file}' does not have the layout this kt expects (${detail}): it was changed by another program or is damaged.`
  else what = `Storage error on the kt store '${file}' (${code}: ${detail}).`
  return new KtError('KAFKA_STORAGE_ERROR', `${what} ${kept}`, {cause: error})
}
