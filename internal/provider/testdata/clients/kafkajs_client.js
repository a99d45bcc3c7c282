// Runs Kafka operations with KafkaJS for the acceptance tests, as a
// tenant's application would. The same protocol as
// confluent_kafka_client.py: one JSON object on stdin,
//   {"config": {librdkafka-style properties}, "actions": [action, ...]}
// with actions {"op": "produce", "topic", "value"} and
// {"op": "consume", "topic", "group", "count"}, and one JSON list of
// results on stdout: {"ok": true, "values": [...]} or
// {"ok": false, "error": NAME, "message": TEXT}, NAME being the Kafka
// error type KafkaJS reports, such as TOPIC_AUTHORIZATION_FAILED.
'use strict'

const { Kafka, logLevel } = require('kafkajs')

const TIMEOUT_MS = 20000

function client (config) {
  const protocol = config['security.protocol'] || 'PLAINTEXT'
  const opts = {
    clientId: 'kafkatenant-acceptance',
    brokers: config['bootstrap.servers'].split(','),
    ssl: protocol.endsWith('SSL'),
    connectionTimeout: 5000,
    requestTimeout: TIMEOUT_MS,
    retry: { retries: 2 },
    logLevel: logLevel.NOTHING
  }
  if (protocol.startsWith('SASL')) {
    opts.sasl = {
      mechanism: config['sasl.mechanism'].toLowerCase(),
      username: config['sasl.username'],
      password: config['sasl.password']
    }
  }
  return new Kafka(opts)
}

function failure (err) {
  let e = err
  while (e && !e.type && e.cause) e = e.cause
  return { ok: false, error: (e && e.type) || err.name, message: err.message }
}

async function produce (kafka, action) {
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  try {
    await producer.connect()
    await producer.send({ topic: action.topic, messages: [{ value: action.value }] })
    return { ok: true }
  } catch (err) {
    return failure(err)
  } finally {
    await producer.disconnect()
  }
}

async function consume (kafka, action) {
  // A short fetch wait lets disconnect return without waiting out a 5s long poll.
  const consumer = kafka.consumer({ groupId: action.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 200, retry: { retries: 0 } })
  const values = []
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [action.topic], fromBeginning: true })
    const outcome = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, error: 'TIMED_OUT', message: 'got ' + JSON.stringify(values) + ' before the deadline' }), TIMEOUT_MS)
      consumer.on(consumer.events.CRASH, (e) => { clearTimeout(timer); resolve(failure(e.payload.error)) })
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          values.push(message.value.toString())
          if (values.length === action.count) {
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
            clearTimeout(timer)
            resolve({ ok: true, values })
          }
        }
      }).catch((err) => { clearTimeout(timer); resolve(failure(err)) })
    })
    return outcome
  } catch (err) {
    return failure(err)
  } finally {
    await consumer.disconnect()
  }
}

async function main () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const request = JSON.parse(Buffer.concat(chunks).toString())
  const kafka = client(request.config)
  const ops = { produce, consume }
  const out = []
  for (const action of request.actions) out.push(await ops[action.op](kafka, action))
  process.stdout.write(JSON.stringify(out))
}

main().catch((err) => { process.stderr.write(String(err && err.stack) + '\n'); process.exit(1) })
