#!/usr/bin/env node
// Readiness probe for the local Kafka broker, used by scripts/services/up.sh.
//
//   node scripts/services/kafka-ready.mjs HOST:PORT TIMEOUT_SECONDS
//
// Speaks the Kafka wire protocol directly (no npm dependency, so it also works while
// `npm ci` is still running). Polls until, on one connection:
//   1. ApiVersions answers (the broker is serving requests),
//   2. a Metadata request lists at least one broker and a controller,
//   3. FindCoordinator for a consumer group succeeds. On a fresh broker this is what creates
//      __consumer_offsets; doing it here means the first consumer group of a test does not wait
//      for it (kafkajs would otherwise log "The group coordinator is not available" and retry).
// Exit 0 and one line on stdout when ready; exit 1 with the last error on stderr on timeout.
import net from 'node:net';

const [target = '127.0.0.1:9092', timeoutArg = '120'] = process.argv.slice(2);
const [host, portText] = target.split(':');
const port = Number(portText);
const deadline = Date.now() + Number(timeoutArg) * 1000;

const API_METADATA = 3;
const API_FIND_COORDINATOR = 10;
const API_VERSIONS = 18;
const CLIENT_ID = 'k8s-audit-services-ready';

function request(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from(CLIENT_ID);
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  int8() { return this.buf.readInt8((this.pos += 1) - 1); }
  int16() { return this.buf.readInt16BE((this.pos += 2) - 2); }
  int32() { return this.buf.readInt32BE((this.pos += 4) - 4); }
  string() {
    const len = this.int16();
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}

// One connection, sequential request/response.
function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let pending = Buffer.alloc(0);
    let waiter = null;
    socket.setTimeout(5000, () => socket.destroy(new Error('socket timeout')));
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (waiter && pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length >= 4 + size) {
          const frame = pending.subarray(4, 4 + size);
          pending = pending.subarray(4 + size);
          const w = waiter;
          waiter = null;
          w.resolve(frame);
        }
      }
    });
    socket.on('error', (err) => {
      if (waiter) waiter.reject(err);
      reject(err);
    });
    socket.on('close', () => {
      if (waiter) waiter.reject(new Error('connection closed by broker'));
    });
    socket.on('connect', () => {
      let correlationId = 0;
      resolve({
        async send(apiKey, apiVersion, body) {
          correlationId += 1;
          const frame = await new Promise((res, rej) => {
            waiter = { resolve: res, reject: rej };
            socket.write(request(apiKey, apiVersion, correlationId, body));
          });
          const r = new Reader(frame);
          if (r.int32() !== correlationId) throw new Error('correlation id mismatch');
          return r;
        },
        close() { socket.destroy(); },
      });
    });
  });
}

// Non-flexible request versions this probe can encode, intersected with what the broker serves.
function pickVersion(ranges, apiKey, lowest, highest) {
  const range = ranges.get(apiKey);
  if (!range) throw new Error(`broker does not serve api ${apiKey}`);
  const v = Math.min(highest, range.max);
  if (v < Math.max(lowest, range.min)) throw new Error(`no common version for api ${apiKey} (broker ${range.min}-${range.max})`);
  return v;
}

async function probe() {
  const conn = await connect();
  try {
    // ApiVersions v0: empty body; response header v0; error_code, [api_key, min, max].
    let r = await conn.send(API_VERSIONS, 0, Buffer.alloc(0));
    const error = r.int16();
    if (error !== 0) throw new Error(`ApiVersions error ${error}`);
    const ranges = new Map();
    for (let n = r.int32(); n > 0; n--) {
      const key = r.int16();
      ranges.set(key, { min: r.int16(), max: r.int16() });
    }

    // Metadata v4..v7 (same request layout): topics = null (all), allow_auto_topic_creation = false.
    const mdVersion = pickVersion(ranges, API_METADATA, 4, 7);
    const mdBody = Buffer.alloc(5);
    mdBody.writeInt32BE(-1, 0);
    mdBody.writeInt8(0, 4);
    r = await conn.send(API_METADATA, mdVersion, mdBody);
    r.int32(); // throttle_time_ms
    const brokers = [];
    for (let n = r.int32(); n > 0; n--) {
      const nodeId = r.int32();
      const brokerHost = r.string();
      const brokerPort = r.int32();
      r.string(); // rack
      brokers.push(`${nodeId}@${brokerHost}:${brokerPort}`);
    }
    const clusterId = r.string();
    const controllerId = r.int32();
    if (brokers.length === 0) throw new Error('metadata lists no brokers yet');
    if (controllerId < 0) throw new Error('metadata has no active controller yet');

    // FindCoordinator v1..v2: key (string), key_type (int8, 0 = group).
    const fcVersion = pickVersion(ranges, API_FIND_COORDINATOR, 1, 2);
    const key = Buffer.from('k8s-audit-services-ready');
    const fcBody = Buffer.alloc(2 + key.length + 1);
    fcBody.writeInt16BE(key.length, 0);
    key.copy(fcBody, 2);
    fcBody.writeInt8(0, 2 + key.length);
    r = await conn.send(API_FIND_COORDINATOR, fcVersion, fcBody);
    r.int32(); // throttle_time_ms
    const fcError = r.int16();
    const fcMessage = r.string();
    if (fcError !== 0) throw new Error(`group coordinator not available yet (error ${fcError}${fcMessage ? `: ${fcMessage}` : ''})`);
    const coordinator = r.int32();

    return `cluster ${clusterId}, brokers [${brokers.join(', ')}], controller ${controllerId}, group coordinator ${coordinator}`;
  } finally {
    conn.close();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastError = 'not tried';
while (Date.now() < deadline) {
  try {
    console.log(await probe());
    process.exit(0);
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
  }
  await sleep(250);
}
console.error(`kafka-ready: ${target} not ready after ${timeoutArg}s: ${lastError}`);
process.exit(1);
