import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, it } from 'node:test';
import { BOOTSTRAP, describeStores, startTessera, STORES, type TestServer } from '../support/harness.js';

/**
 * Slow and greedy clients on a real listener (issue 10): a body that never arrives is cut off
 * with 408 in the face's format, idle keep-alive and silent sockets are closed, connections
 * beyond the per-address cap are refused, and a graceful close finishes a request in flight and
 * refuses new connections. Limits are set low (1–3 s) through configuration; the test waits for
 * the server to act, it asserts no durations.
 */
const LIMITS = {
  TESSERA_BODY_TIMEOUT_SECONDS: '1',
  // Well above the body timeout, so Node's own 408 (plain text) never races the face's one.
  TESSERA_REQUEST_TIMEOUT_SECONDS: '10',
  TESSERA_HEADERS_TIMEOUT_SECONDS: '2',
  TESSERA_KEEP_ALIVE_TIMEOUT_SECONDS: '2',
  TESSERA_IDLE_TIMEOUT_SECONDS: '3',
  TESSERA_MAX_CONNECTIONS_PER_ADDRESS: '3',
};

/** A raw connection: everything it received, and a promise of its close. */
interface Connection {
  readonly socket: Socket;
  received(): string;
  readonly closed: Promise<void>;
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect({ host: '127.0.0.1', port });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => {}); // a refused or reset connection shows as a close
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Resolves once the connection has received `pattern` (or rejects if it closes first). */
async function receive(connection: Connection, pattern: RegExp): Promise<void> {
  for (;;) {
    if (pattern.test(connection.received())) return;
    if (connection.socket.destroyed) throw new Error(`closed before ${pattern}: ${connection.received()}`);
    await sleep(10);
  }
}

const basic = 'Basic ' + Buffer.from(`${BOOTSTRAP.clientId}:${BOOTSTRAP.clientSecret}`).toString('base64');
const TOKEN_BODY = 'grant_type=client_credentials';
const tokenHead = (length: number) =>
  `POST /${BOOTSTRAP.environmentId}/as/token HTTP/1.1\r\nHost: tessera.test\r\n` +
  `Content-Type: application/x-www-form-urlencoded\r\nAuthorization: ${basic}\r\n` +
  `Content-Length: ${length}\r\n\r\n`;
const HEALTH = 'GET /health/live HTTP/1.1\r\nHost: tessera.test\r\n\r\n';

async function listen(server: TestServer): Promise<number> {
  await server.app.server.listen({ port: 0, host: '127.0.0.1' });
  return (server.app.server.server.address() as AddressInfo).port;
}

describeStores(
  'slow clients on a real listener',
  (server) => {
    let port: number;
    before(async () => {
      port = await listen(server());
    });

    it('cuts off a request whose body never arrives with 408 in the face’s format', async () => {
      const slow = await open(port);
      slow.socket.write(tokenHead(100) + 'grant_type=');
      await slow.closed;
      const [head, body] = slow.received().split('\r\n\r\n');
      assert.match(head ?? '', /^HTTP\/1\.1 408 /);
      assert.equal(JSON.parse(body ?? '').error, 'invalid_request', body);

      const v1 = await open(port);
      v1.socket.write(
        `PATCH /v1/environments/x HTTP/1.1\r\nHost: tessera.test\r\nAuthorization: Bearer ${await server().adminToken()}\r\n` +
          'Content-Type: application/json\r\n' +
          'Content-Length: 50\r\n\r\n{"name":',
      );
      await v1.closed;
      const [v1Head, v1Body] = v1.received().split('\r\n\r\n');
      assert.match(v1Head ?? '', /^HTTP\/1\.1 408 /);
      const envelope = JSON.parse(v1Body ?? '');
      assert.equal(typeof envelope.id, 'string');
      assert.equal(envelope.code, 'INVALID_REQUEST');
    });

    it('closes an idle keep-alive connection after its answer, and a silent one', async () => {
      const idle = await open(port);
      idle.socket.write(HEALTH);
      await receive(idle, /\r\n\r\n\{"status":"UP"\}/);
      await idle.closed;
      assert.equal(idle.received().match(/HTTP\/1\.1 /g)?.length, 1);

      const silent = await open(port);
      await silent.closed;
      assert.equal(silent.received().startsWith('HTTP/1.1 200'), false);
    });

    it('refuses connections beyond the per-address cap, and accepts again once one closes', async () => {
      const held = [await open(port), await open(port), await open(port)];
      for (const connection of held) {
        connection.socket.write(HEALTH);
        await receive(connection, /\{"status":"UP"\}/);
      }
      const extra = await open(port);
      extra.socket.write(HEALTH);
      await extra.closed;
      assert.equal(extra.received(), '', 'the connection beyond the cap gets no answer');

      held[0]!.socket.destroy();
      await held[0]!.closed;
      // The server sees the close a moment later; retry until it counts it.
      for (;;) {
        const again = await open(port);
        again.socket.write(HEALTH);
        try {
          await receive(again, /\{"status":"UP"\}/);
          again.socket.destroy();
          break;
        } catch {
          await sleep(20);
        }
      }
      for (const connection of held) connection.socket.destroy();
    });
  },
  { env: LIMITS },
);

for (const kind of STORES) {
  it(`finishes a request in flight during close, then refuses connections [${kind}]`, async () => {
    const own = await startTessera(kind, { env: LIMITS });
    const port = await listen(own);
    const inFlight = await open(port);
    inFlight.socket.write(tokenHead(TOKEN_BODY.length) + TOKEN_BODY.slice(0, 10));
    // The request is in flight (headers and half its body) when close begins.
    await sleep(200);
    const closing = own.close();
    inFlight.socket.write(TOKEN_BODY.slice(10));
    await receive(inFlight, /\r\n\r\n\{.*\}$/s);
    const [head, body] = inFlight.received().split('\r\n\r\n');
    assert.match(head ?? '', /^HTTP\/1\.1 200 /);
    assert.equal(typeof JSON.parse(body ?? '').access_token, 'string');
    await closing;
    await assert.rejects(open(port), /ECONNREFUSED/);
  });
}
