import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createBodyPool } from '../../src/http/pooled-body.js';

/** Bodies built into reused buffers (src/http/pooled-body.ts): never reused while a write still reads one. */
describe('pooled response bodies', () => {
  const BIG = 16 * 1024 * 1024; // far more than loopback socket buffers hold, so the write stays pending
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    const pool = createBodyPool({ buffers: 32, maxBufferBytes: 64 * 1024 * 1024 });
    app = Fastify();
    app.get<{ Params: { fill: string; kib: string } }>('/body/:fill/:kib', (request, reply) =>
      pool.send(reply, (out) => {
        const chunk = request.params.fill.repeat(1024 / request.params.fill.length);
        out.text('"');
        for (let i = 0; i < Number(request.params.kib); i += 1) out.text(chunk);
        out.text('"');
      }),
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('grows past its first buffer with multi-byte text and sends the exact UTF-8 bytes', async () => {
    const response = await fetch(`${base}/body/${encodeURIComponent('ü€')}/1000`);
    const text = await response.text();
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(Number(response.headers.get('content-length')), Buffer.byteLength(text));
    assert.equal(text, `"${'ü€'.repeat(512 * 1000)}"`);
  });

  it('does not hand a buffer to another response while a slow client has not received it', async () => {
    const port = Number(new URL(base).port);
    const slow = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    slow.on('data', (chunk: Buffer) => received.push(chunk));
    slow.pause();
    slow.write(`GET /body/a/${BIG / 1024} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // While the first body is still being written, other bodies of the same size are built.
    for (const fill of ['b', 'c']) {
      const other = await (await fetch(`${base}/body/${fill}/${BIG / 1024}`)).text();
      assert.equal(other.length, BIG + 2);
      assert.equal(other, `"${fill.repeat(BIG)}"`);
    }
    const ended = new Promise((resolve) => slow.on('end', resolve));
    slow.resume();
    await ended;
    const raw = Buffer.concat(received).toString();
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    assert.equal(body.length, BIG + 2);
    assert.ok(/^"a+"$/.test(body), 'the slow client gets its own bytes');
  });
});
