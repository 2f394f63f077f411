// `kt broker` as a command: where it listens (options, server.properties), its start line,
// --log-requests, a clean stop on SIGTERM/SIGINT with in-flight requests answered, and refusals.
import {createServer} from 'node:net'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {collect, kt, spawnKt, tempDirsForFile} from '../helpers/kt.js'
import {startBroker} from '../server/broker-process.js'
import {WireClient} from '../server/wire-client.js'

const newDir = tempDirsForFile()

describe('kt broker', () => {
  it('port 0 picks a free port; one start line names the address, data dir and node id; SIGTERM stops it cleanly', async () => {
    const dir = newDir()
    const broker = await startBroker(dir, {})
    expect(broker.stderr()).toBe(
      `kt broker: listening on PLAINTEXT://127.0.0.1:${broker.port} (advertised 127.0.0.1:${broker.port}), data dir ${dir}, node id 1\n`,
    )
    const c = await WireClient.connect(broker.port)
    expect((await c.request(18, 3, {clientSoftwareName: 'x', clientSoftwareVersion: '1'})).body.errorCode).toBe(0)
    c.close()
    const started = Date.now()
    const r = await broker.stop()
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr.endsWith('kt broker: stopped\n')).toBe(true)
  })

  it('a negative frame size (0xfffffff0) is one line naming the invalid size; that connection is closed', async () => {
    const dir = newDir()
    const broker = await startBroker(dir, {})
    const c = await WireClient.connect(broker.port)
    c.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]))
    expect(await c.waitClosed()).toBe(true)
    const r = await broker.stop()
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 0,
      stderr:
        `kt broker: listening on PLAINTEXT://127.0.0.1:${broker.port} (advertised 127.0.0.1:${broker.port}), data dir ${dir}, node id 1\n` +
        'kt broker: closing connection from /127.0.0.1: invalid request size -16\n' +
        'kt broker: stopped\n',
      stdout: '',
    })
  })

  it('--log-requests prints one line per request: api key, version, client id, correlation id, duration', async () => {
    const dir = newDir()
    const broker = await startBroker(dir)
    const c = await WireClient.connect(broker.port)
    await c.request(3, 1, {topics: null})
    c.close()
    await new Promise((r) => setTimeout(r, 200))
    await broker.stop()
    expect(broker.stderr()).toMatch(
      /\nrequest api_key=3 \(Metadata\) api_version=1 client_id=wire-test correlation_id=1 duration_ms=\d+\.\d\n/,
    )
  })

  it('SIGINT during a long poll: the fetch is answered, then the store is closed', async () => {
    const dir = newDir()
    expect((await kt(dir, ['topics', '--create', '--topic', 'idle'])).status).toBe(0)
    const broker = await startBroker(dir)
    const c = await WireClient.connect(broker.port)
    c.send(1, 11, {
      isolationLevel: 0,
      maxBytes: 1 << 20,
      maxWaitMs: 30_000,
      minBytes: 1,
      topics: [{partitions: [{fetchOffset: 0, partition: 0, partitionMaxBytes: 1 << 20}], topic: 'idle'}],
    })
    await new Promise((r) => setTimeout(r, 300))
    broker.child.kill('SIGINT')
    const frame = await c.nextFrame(10_000)
    expect(frame).toBeDefined()
    // No second signal: one sent after the broker has closed the store and dropped its handlers
    // would kill it by default action (status null), which is what failed CI once.
    const r = await broker.exited()
    expect(r.status).toBe(0)
    expect(r.stderr.endsWith('kt broker: stopped\n')).toBe(true)
    c.close()
    // the store is usable (closed cleanly) afterwards
    expect((await kt(dir, ['topics', '--list'])).stdout).toBe('idle\n')
  })

  it('listens where server.properties says; advertised.listeners is what Metadata returns', async () => {
    const dir = newDir()
    writeFileSync(
      join(dir, 'server.properties'),
      'listeners=PLAINTEXT://127.0.0.1:0\nadvertised.listeners=PLAINTEXT://kt.example:19092\nauto.create.topics.enable=false\n',
    )
    const child = spawnKt(dir, ['broker'])
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    const done = collect(child)
    while (!/listening/.test(err)) await new Promise((r) => setTimeout(r, 50))
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(err)![1])
    expect(err).toBe(
      `kt broker: listening on PLAINTEXT://127.0.0.1:${port} (advertised kt.example:19092), data dir ${dir}, node id 1\n`,
    )
    const c = await WireClient.connect(port)
    const {body} = await c.request(3, 4, {allowAutoTopicCreation: true, topics: [{name: 'missing'}]})
    c.close()
    expect(body.brokers).toEqual([{host: 'kt.example', nodeId: 1, port: 19_092, rack: null}])
    // auto.create.topics.enable=false wins over the client's flag
    expect((body.topics as {errorCode: number}[])[0].errorCode).toBe(3)
    child.kill('SIGTERM')
    expect((await done).status).toBe(0)
  })

  it('a group kt console-consumer is a member of refuses a wire JoinGroup with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const dir = newDir()
    expect((await kt(dir, ['topics', '--create', '--topic', 'mixed'])).status).toBe(0)
    const broker = await startBroker(dir)
    const cli = spawnKt(dir, ['console-consumer', '--topic', 'mixed', '--group', 'mixed-group'])
    const cliDone = collect(cli)
    const c = await WireClient.connect(broker.port)
    // The store shows the console consumer as a member (ListGroups: Stable).
    for (let i = 0; i < 100; i++) {
      const {body} = await c.request(16, 4, {statesFilter: []})
      if (
        (body.groups as {groupId: string; groupState: string}[]).some(
          (g) => g.groupId === 'mixed-group' && g.groupState === 'Stable',
        )
      )
        break
      await new Promise((r) => setTimeout(r, 100))
    }

    const join = await c.request(11, 5, {
      groupId: 'mixed-group',
      groupInstanceId: null,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{metadata: Buffer.alloc(0), name: 'range'}],
      rebalanceTimeoutMs: 10_000,
      sessionTimeoutMs: 10_000,
    })
    expect(join.body.errorCode).toBe(23)
    c.close()
    cli.kill('SIGTERM')
    await cliDone
    await broker.stop()
  })

  it('a group wire clients are members of refuses a kt console-consumer (never two coordinators of one group)', async () => {
    const dir = newDir()
    expect((await kt(dir, ['topics', '--create', '--topic', 'wired'])).status).toBe(0)
    const broker = await startBroker(dir)
    const c = await WireClient.connect(broker.port)
    const request = {
      groupId: 'wired-group',
      groupInstanceId: null,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{metadata: Buffer.alloc(0), name: 'range'}],
      rebalanceTimeoutMs: 10_000,
      sessionTimeoutMs: 10_000,
    }
    let join = await c.request(11, 5, request)
    // JoinGroup v4+: the first call only hands out the member id (MEMBER_ID_REQUIRED).
    if (join.body.errorCode === 79) join = await c.request(11, 5, {...request, memberId: join.body.memberId})
    expect(join.body.errorCode).toBe(0)
    const r = await kt(dir, ['console-consumer', '--topic', 'wired', '--group', 'wired-group'])
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      "Error: Group 'wired-group' is in use by Kafka clients of a kt broker; a kt console-consumer cannot join it while they are members\nProcessed a total of 0 messages\n",
    )
    expect(r.status).toBe(1)
    c.close()
    await broker.stop()
  })

  it('a second kt broker on the same store is refused (each coordinates groups in its memory); a killed one’s lock is taken over', async () => {
    const dir = newDir()
    const first = await startBroker(dir)
    const second = await kt(dir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'])
    expect(second).toMatchObject({
      status: 1,
      stderr: `Error: Another kt broker (pid ${first.child.pid}) is serving the store in '${dir}': a store has one broker. Stop that one first, or give this one another --data-dir.\n`,
      stdout: '',
    })
    expect((await first.stop()).status).toBe(0)
    expect(existsSync(join(dir, 'kt-broker.pid'))).toBe(false)
    // A broker killed outright leaves its lock; the next one takes it over.
    const killed = await startBroker(dir)
    killed.child.kill('SIGKILL')
    await killed.exited()
    expect(existsSync(join(dir, 'kt-broker.pid'))).toBe(true)
    const next = await startBroker(dir)
    expect((await next.stop()).status).toBe(0)
  })

  it('a taken port is one clear error, exit 1', async () => {
    const dir = newDir()
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as {port: number}).port
    const r = await kt(dir, ['broker', '--listeners', `PLAINTEXT://127.0.0.1:${port}`])
    blocker.close()
    expect(r.stderr).toBe(`Error: Cannot listen on 127.0.0.1:${port}: the address is already in use\n`)
    expect(r.status).toBe(1)
  })

  it.each([
    ['SSL://127.0.0.1:9093', "Invalid --listeners 'SSL://127.0.0.1:9093': kt broker speaks PLAINTEXT only, not SSL\n"],
    ['127.0.0.1:9092', "Invalid --listeners '127.0.0.1:9092': expected PLAINTEXT://host:port\n"],
    ['PLAINTEXT://127.0.0.1:70000', "Invalid --listeners 'PLAINTEXT://127.0.0.1:70000': port 70000 is out of range\n"],
  ])('--listeners %s is a usage error', async (value, message) => {
    const r = await kt(newDir(), ['broker', '--listeners', value])
    expect(r.stderr).toBe(message)
    expect(r.status).toBe(2)
  })

  it.each([
    ['1e3', 'Not a number of type INT'],
    ['0x10', 'Not a number of type INT'],
    ['0', 'Value must be at least 1'],
  ])('server.properties socket.request.max.bytes=%s is refused as Kafka parses an INT', async (value, reason) => {
    const dir = newDir()
    writeFileSync(join(dir, 'server.properties'), `socket.request.max.bytes=${value}\n`)
    const r = await kt(dir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 2,
      stderr: `server.properties: Invalid value ${value} for configuration socket.request.max.bytes: ${reason}\n`,
      stdout: '',
    })
  })

  it('a server.properties that cannot be read is one line naming it', async () => {
    const dir = newDir()
    mkdirSync(join(dir, 'server.properties'))
    const r = await kt(dir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 1,
      stderr: `Error: Cannot read ${join(dir, 'server.properties')}: EISDIR: illegal operation on a directory, read\n`,
      stdout: '',
    })
  })
})
