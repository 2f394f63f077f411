// Producer partitioning, bit-exact with the Java client (reference/kafka-cli.md §6):
// keyed records go to toPositive(murmur2(key)) % partitions; null keys use the sticky
// partitioner of KIP-794 (stay on one random partition for about batch.size bytes);
// RoundRobinPartitioner ignores keys and cycles.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's 32-bit murmur2 over bytes[start, end), as a signed int32. */
export function murmur2(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const length = end - start
  let h = SEED ^ length
  const blocks = start + (length & ~3)
  let i = start
  for (; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }

  switch (length & 3) {
    case 3: {
      h ^= bytes[i + 2] << 16
    }
    // falls through
    case 2: {
      h ^= bytes[i + 1] << 8
    }
    // falls through
    case 1: {
      h ^= bytes[i]
      h = Math.imul(h, M)
    }
  }

  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's default partitioner gives a non-null key. */
export function partitionForKey(key: Uint8Array, numPartitions: number, start = 0, end = key.length): number {
  return toPositive(murmur2(key, start, end)) % numPartitions
}

/** Chooses the partition of records without a key (or of every record, for round-robin). */
export interface NullKeyPartitioner {
  /** The partition for the next record of `size` bytes in a topic of `numPartitions`. */
  partition(numPartitions: number, size: number): number
}

/**
 * KIP-794's built-in sticky partitioner: pick a partition at random, stay on it until at least
 * batch.size bytes went there, then pick again (possibly the same one).
 */
export class StickyPartitioner implements NullKeyPartitioner {
  private current = -1
  private bytes = 0

  constructor(
    private readonly batchSize: number,
    private readonly random: () => number = Math.random,
  ) {}

  partition(numPartitions: number, size: number): number {
    if (this.current < 0 || this.current >= numPartitions || this.bytes >= this.batchSize) {
      this.current = Math.floor(this.random() * numPartitions)
      this.bytes = 0
    }

    this.bytes += size
    return this.current
  }
}

/**
 * org.apache.kafka.clients.producer.RoundRobinPartitioner: a counter from 0, one step per record.
 * (Kafka's own class skips a step whenever a record opens a new batch, KAFKA-9965; kt keeps the
 * documented even cycle.)
 */
export class RoundRobinPartitioner implements NullKeyPartitioner {
  private counter = 0

  partition(numPartitions: number): number {
    return toPositive(this.counter++) % numPartitions
  }
}
