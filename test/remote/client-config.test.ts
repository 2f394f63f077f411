// Kafka client properties → the remote connection's settings: security protocols, SASL with
// sasl.jaas.config, PEM TLS, timeouts, and the settings named as not honoured.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, test} from 'vitest'

import {parseBootstrapServers, parseJaasConfig, resolveClientConfig} from '../../src/remote/client-config.js'

const target = (props: Record<string, string>, unused: string[] = []) => ({
  bootstrapServers: ['localhost:9092'],
  properties: new Map(Object.entries(props)),
  unused,
})

describe('sasl.jaas.config', () => {
  test("Kafka's PLAIN and SCRAM login modules", () => {
    expect(
      parseJaasConfig(
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr;t";',
      ),
    ).toEqual({password: 's3cr;t', username: 'alice'})
    expect(
      parseJaasConfig(
        'org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=bob\n  password="p w";',
      ),
    ).toEqual({password: 'p w', username: 'bob'})
  })

  test('any quoted username and password round-trip (backslash escapes)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (username, password) => {
        const quote = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
        const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username=${quote(username)} password=${quote(password)};`
        expect(parseJaasConfig(jaas)).toEqual({password, username})
      }),
    )
  })

  test('without credentials: one clear error', () => {
    expect(() => parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required;')).toThrow(
      'sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule needs username and password options',
    )
  })
})

describe('resolveClientConfig', () => {
  test('PLAINTEXT by default, with Kafka-like timeouts and the tool’s client id', () => {
    const {ignored, settings} = resolveClientConfig(target({}), 'console-producer')
    expect(settings).toMatchObject({
      clientId: 'console-producer',
      connectTimeout: 10_000,
      requestTimeout: 30_000,
      securityProtocol: 'PLAINTEXT',
    })
    expect(settings.sasl).toBeUndefined()
    expect(settings.tls).toBeUndefined()
    expect(ignored).toEqual([])
  })

  test('SASL_SSL with SCRAM-SHA-512 and a PEM trust store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-cc-'))
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n')
    const {settings} = resolveClientConfig(
      target({
        'request.timeout.ms': '5000',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'security.protocol': 'SASL_SSL',
        'ssl.endpoint.identification.algorithm': '',
        'ssl.truststore.location': join(dir, 'ca.pem'),
        'ssl.truststore.type': 'PEM',
      }),
      'kt',
    )
    expect(settings.sasl).toEqual({mechanism: 'SCRAM-SHA-512', password: 'p', username: 'u'})
    expect(settings.tls?.ca).toContain('BEGIN CERTIFICATE')
    expect(settings.tls?.checkServerIdentity).toBeTypeOf('function')
    expect(settings.requestTimeout).toBe(5000)
  })

  test("Kafka's refusals: an unknown protocol, GSSAPI, a JKS store, SASL without credentials", () => {
    expect(() => resolveClientConfig(target({'security.protocol': 'TLS'}), 'kt')).toThrow(
      'Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    )
    expect(() => resolveClientConfig(target({'security.protocol': 'SASL_PLAINTEXT'}), 'kt')).toThrow(
      'sasl.mechanism GSSAPI: kt supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (GSSAPI is the default when sasl.mechanism is not set)',
    )
    expect(() => resolveClientConfig(target({'security.protocol': 'SSL', 'ssl.truststore.type': 'JKS'}), 'kt')).toThrow(
      'ssl.truststore.type JKS: kt reads PEM files only',
    )
    expect(() =>
      resolveClientConfig(target({'sasl.mechanism': 'PLAIN', 'security.protocol': 'SASL_PLAINTEXT'}), 'kt'),
    ).toThrow('needs sasl.jaas.config')
  })

  test('names what it cannot honour: unsupported security settings, settings of another protocol, unused configs', () => {
    const {ignored} = resolveClientConfig(
      target({'sasl.kerberos.service.name': 'kafka', 'sasl.mechanism': 'PLAIN', 'ssl.cipher.suites': 'x'}, [
        'buffer.memory',
        'request.timeout.ms',
      ]),
      'kt',
    )
    expect(ignored).toEqual(['buffer.memory', 'sasl.kerberos.service.name', 'sasl.mechanism', 'ssl.cipher.suites'])
  })
})

describe('bootstrap servers', () => {
  test('host:port entries, IPv6 in brackets; anything else is refused', () => {
    expect(parseBootstrapServers('a:9092, b:9093,[::1]:9094')).toEqual(['a:9092', 'b:9093', '[::1]:9094'])
    expect(() => parseBootstrapServers('localhost')).toThrow('Invalid url in bootstrap.servers: localhost')
    expect(() => parseBootstrapServers('h:99999')).toThrow('Invalid url in bootstrap.servers: h:99999')
  })
})
