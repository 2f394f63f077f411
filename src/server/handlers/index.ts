// The APIs kt broker answers, each with the schema whose whole version range it implements.
// ApiVersions advertises exactly this table.
import {type ApiSchema, apis} from '../../protocol/index.js'
import type {Handler} from '../context.js'
import {createPartitions, createTopics, deleteTopics, describeConfigs, initProducerId} from './admin.js'
import {fetch} from './fetch.js'
import {
  deleteGroups,
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  syncGroup,
} from './groups.js'
import {listOffsets} from './list-offsets.js'
import {metadata} from './metadata.js'
import {offsetCommit, offsetDelete, offsetFetch} from './offsets.js'
import {produce} from './produce.js'
import {alterConfigs, deleteRecords, describeLogDirs, incrementalAlterConfigs} from './records-configs.js'

export interface HandlerEntry {
  schema: ApiSchema
  handler: Handler
}

const apiVersions: Handler = async () => ({
  apiKeys: [...HANDLERS.values()]
    .map((e) => ({apiKey: e.schema.apiKey, maxVersion: e.schema.versions.max, minVersion: e.schema.versions.min}))
    .sort((a, b) => a.apiKey - b.apiKey),
  errorCode: 0,
  throttleTimeMs: 0,
})

export const HANDLERS: ReadonlyMap<number, HandlerEntry> = new Map(
  (
    [
      [apis.Produce, produce],
      [apis.Fetch, fetch],
      [apis.ListOffsets, listOffsets],
      [apis.Metadata, metadata],
      [apis.OffsetCommit, offsetCommit],
      [apis.OffsetFetch, offsetFetch],
      [apis.FindCoordinator, findCoordinator],
      [apis.JoinGroup, joinGroup],
      [apis.Heartbeat, heartbeat],
      [apis.LeaveGroup, leaveGroup],
      [apis.SyncGroup, syncGroup],
      [apis.DescribeGroups, describeGroups],
      [apis.ListGroups, listGroups],
      [apis.ApiVersions, apiVersions],
      [apis.CreateTopics, createTopics],
      [apis.DeleteTopics, deleteTopics],
      [apis.InitProducerId, initProducerId],
      [apis.DescribeConfigs, describeConfigs],
      [apis.CreatePartitions, createPartitions],
      [apis.DeleteGroups, deleteGroups],
      [apis.OffsetDelete, offsetDelete],
      [apis.DeleteRecords, deleteRecords],
      [apis.AlterConfigs, alterConfigs],
      [apis.DescribeLogDirs, describeLogDirs],
      [apis.IncrementalAlterConfigs, incrementalAlterConfigs],
    ] as [ApiSchema, Handler][]
  ).map(([schema, handler]) => [schema.apiKey, {handler, schema}]),
)
