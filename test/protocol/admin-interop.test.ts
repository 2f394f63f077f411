// The schemas kt configs / kt delete-records need over the wire, checked against an independent
// encoder: @platformatic/kafka's own request writers and response parsers for DeleteRecords v2,
// IncrementalAlterConfigs v1, DescribeLogDirs v4 and DescribeConfigs v4 (the versions kt's
// remote mode sends). A request the library writes decodes to the same fields with kt's schema;
// a response kt encodes parses to the same fields with the library. (The round trip of every
// version is in codec.test.ts.)
import * as lib from '@platformatic/kafka'
import {describe, expect, it} from 'vitest'

import {SCHEMAS} from '../../src/protocol/apis.js'
import {Reader, Writer} from '../../src/protocol/io.js'
import {decodeMessage, encodeMessage, type Message} from '../../src/protocol/schema.js'

function decodeLibRequest(apiKey: number, version: number, w: lib.Writer): Message {
  const schema = SCHEMAS.get(apiKey)!
  const r = new Reader(w.buffer)
  const body = decodeMessage(r, schema.request, version, version >= schema.flexible)
  expect(r.remaining()).toBe(0)
  return body
}

function encodeForLib(apiKey: number, version: number, body: Message): lib.Reader {
  const schema = SCHEMAS.get(apiKey)!
  const w = new Writer(64)
  encodeMessage(w, schema.response, body, version, version >= schema.flexible)
  return lib.Reader.from(w.toBuffer())
}

describe('kt schemas agree with @platformatic/kafka', () => {
  it('DeleteRecords v2', () => {
    const req = lib.deleteRecordsV2.createRequest([{name: 't', partitions: [{offset: 7n, partitionIndex: 2}]}], 1500)
    expect(decodeLibRequest(21, 2, req)).toEqual({
      timeoutMs: 1500,
      topics: [{name: 't', partitions: [{offset: 7, partitionIndex: 2}]}],
    })
    const res = {
      throttleTimeMs: 0,
      topics: [{name: 't', partitions: [{errorCode: 0, lowWatermark: 7, partitionIndex: 2}]}],
    }
    expect(lib.deleteRecordsV2.parseResponse(1, 21, 2, encodeForLib(21, 2, res))).toEqual({
      throttleTimeMs: 0,
      topics: [{name: 't', partitions: [{errorCode: 0, lowWatermark: 7n, partitionIndex: 2}]}],
    })
  })

  it('IncrementalAlterConfigs v1', () => {
    const req = lib.incrementalAlterConfigsV1.createRequest(
      [
        {
          configs: [
            {configOperation: 1, name: 'retention.ms'},
            {configOperation: 0, name: 'cleanup.policy', value: 'compact,delete'},
          ],
          resourceName: 't',
          resourceType: 2,
        },
      ],
      true,
    )
    expect(decodeLibRequest(44, 1, req)).toEqual({
      resources: [
        {
          configs: [
            {configOperation: 1, name: 'retention.ms', value: null},
            {configOperation: 0, name: 'cleanup.policy', value: 'compact,delete'},
          ],
          resourceName: 't',
          resourceType: 2,
        },
      ],
      validateOnly: true,
    })
    const res = {
      responses: [{errorCode: 40, errorMessage: 'Invalid value', resourceName: 't', resourceType: 2}],
      throttleTimeMs: 0,
    }
    expect(() => lib.incrementalAlterConfigsV1.parseResponse(1, 44, 1, encodeForLib(44, 1, res))).toThrow(
      expect.objectContaining({response: res}),
    )
  })

  it('DescribeLogDirs v4', () => {
    const req = lib.describeLogDirsV4.createRequest([{name: 't', partitions: [0, 2]}])
    expect(decodeLibRequest(35, 4, req)).toEqual({topics: [{partitions: [0, 2], topic: 't'}]})
    const res = {
      errorCode: 0,
      results: [
        {
          errorCode: 0,
          logDir: '/data',
          topics: [
            {name: 't', partitions: [{isFutureKey: false, offsetLag: 0, partitionIndex: 2, partitionSize: 4096}]},
          ],
          totalBytes: 10_000,
          usableBytes: 5000,
        },
      ],
      throttleTimeMs: 0,
    }
    expect(lib.describeLogDirsV4.parseResponse(1, 35, 4, encodeForLib(35, 4, res))).toEqual({
      errorCode: 0,
      results: [
        {
          errorCode: 0,
          logDir: '/data',
          topics: [
            {name: 't', partitions: [{isFutureKey: false, offsetLag: 0n, partitionIndex: 2, partitionSize: 4096n}]},
          ],
          totalBytes: 10_000n,
          usableBytes: 5000n,
        },
      ],
      throttleTimeMs: 0,
    })
  })

  it('DescribeConfigs v4 with synonyms', () => {
    const req = lib.describeConfigsV4.createRequest(
      [{configurationKeys: null, resourceName: '', resourceType: 4}],
      true,
      false,
    )
    expect(decodeLibRequest(32, 4, req)).toEqual({
      includeDocumentation: false,
      includeSynonyms: true,
      resources: [{configurationKeys: null, resourceName: '', resourceType: 4}],
    })
    const config = {
      configSource: 1,
      configType: 5,
      documentation: null,
      isSensitive: false,
      name: 'retention.ms',
      readOnly: false,
      synonyms: [
        {name: 'retention.ms', source: 1, value: '1000'},
        {name: 'log.retention.hours', source: 5, value: '168'},
      ],
      value: '1000',
    }
    const res = {
      results: [{configs: [config], errorCode: 0, errorMessage: null, resourceName: 't', resourceType: 2}],
      throttleTimeMs: 0,
    }
    expect(lib.describeConfigsV4.parseResponse(1, 32, 4, encodeForLib(32, 4, res))).toEqual({
      results: [{configs: [config], errorCode: 0, errorMessage: null, resourceName: 't', resourceType: 2}],
      throttleTimeMs: 0,
    })
  })
})
