// The info request line is written by hand (src/http/request-line.ts), not by pino: its bytes must
// be exactly those pino writes for the same facts. Nothing here touches a store: this file runs once.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it, mock } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { createLogger, flushLogger, TesseraLogController } from '../../src/http/logging.js';
import { writeRequestLine } from '../../src/http/request-line.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-request-line-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rawLinesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

type Facts = [method: string, path: string, route: string | undefined, statusCode: number, time: number];

const CASES: Facts[] = [
  ['GET', '/v1/environments/e1/users/u1', '/v1/environments/:envID/users/:userID', 200, 0.412357],
  ['POST', '/nowhere', undefined, 404, 3],
  ['DELETE', '/a"quoted\\path', '/a/:b', 204, 0],
  ['GET', '/control\u0001\u001f\ttab', '/:x', 500, 1e-7],
  ['PATCH', '/caf\u00e9/\u20ac/\u{1d11e}', '/:x/:y/:z', 200, 12345.678901],
  ['GET', `/${'long"'.repeat(40)}`, '/:long', 200, 1.5],
  // Longer than a batch once encoded: written through the string path.
  ['GET', `/${'é'.repeat(30_000)}`, '/:huge', 201, 2.25],
  ['GET', '/after/the/huge/one', '/after/:x/:y/:z', 200, 0.5],
];

describe('request line', () => {
  it('is byte for byte what pino writes for the same facts, in the same order', async () => {
    const file = join(dir, 'pair.log');
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, file);
    const correlationId = randomUUID();
    const child = logger.child({ correlationId });
    mock.method(Date, 'now', () => 1764756000123);
    try {
      for (const [method, path, route, statusCode, responseTime] of CASES) {
        child.info({ method, path, route, statusCode, responseTime }, 'request completed');
        assert.equal(writeRequestLine(child, method, path, route, statusCode, responseTime), true);
      }
    } finally {
      mock.restoreAll();
    }
    await flushLogger(logger);
    const lines = rawLinesOf(file);
    assert.equal(lines.length, CASES.length * 2);
    for (let n = 0; n < CASES.length; n++) assert.equal(lines[2 * n + 1], lines[2 * n], `case ${n}`);
    // Pino and the hand-written line could drift together only if this list changed too.
    const first = JSON.parse(lines[1]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), [
      'level',
      'time',
      'pid',
      'hostname',
      'correlationId',
      'method',
      'path',
      'route',
      'statusCode',
      'responseTime',
      'msg',
    ]);
    assert.equal(first.level, 30);
    assert.equal(first.time, 1764756000123);
    assert.equal(first.correlationId, correlationId);
    assert.equal(first.msg, 'request completed');
    assert.equal(first.responseTime, 0.412357);
    assert.equal((JSON.parse(lines[3]!) as Record<string, unknown>).route, undefined);
    assert.equal((JSON.parse(lines[7]!) as Record<string, unknown>).path, '/control\u0001\u001f\ttab');
  });

  it('leaves any other logger to pino, writing nothing', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString('utf8'));
        done();
      },
    });
    const child = pino({ level: 'info' }, sink).child({ correlationId: 'c' });
    assert.equal(writeRequestLine(child, 'GET', '/', '/', 200, 1), false);
    const pretty = createLogger({ logLevel: 'info', logFormat: 'pretty' }).child({ correlationId: 'c' });
    assert.equal(writeRequestLine(pretty, 'GET', '/', '/', 200, 1), false);
    assert.deepEqual(written, []);
  });

  it('is what a server logs per request: correlation id, no query string, probes and errors apart', async () => {
    const file = join(dir, 'server.log');
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, file);
    const server = Fastify({
      loggerInstance: logger,
      genReqId: () => randomUUID(),
      logController: new TesseraLogController(),
    });
    server.addHook('onRequest', (request, reply, done) => {
      reply.header('correlation-id', request.id);
      done();
    });
    server.get('/things/:id', async () => ({ ok: true }));
    server.get('/health/live', async () => ({ ok: true }));
    server.get('/broken', async () => {
      throw new Error('broken on purpose');
    });
    try {
      const ok = await server.inject({ method: 'GET', url: '/things/t1?filter=secret' });
      const probe = await server.inject({ method: 'GET', url: '/health/live' });
      const missing = await server.inject({ method: 'GET', url: '/nothing/here' });
      const broken = await server.inject({ method: 'GET', url: '/broken' });
      assert.deepEqual(
        [ok.statusCode, probe.statusCode, missing.statusCode, broken.statusCode],
        [200, 200, 404, 500],
      );
      await flushLogger(logger);
      const lines = rawLinesOf(file).map((l) => JSON.parse(l) as Record<string, unknown>);
      const about = (response: { headers: Record<string, unknown> }) =>
        lines.filter((l) => l.correlationId === response.headers['correlation-id']);
      const [okLine, ...okRest] = about(ok);
      assert.deepEqual(okRest, []);
      assert.equal(okLine?.msg, 'request completed');
      assert.equal(okLine.level, 30);
      assert.equal(okLine.path, '/things/t1');
      assert.equal(okLine.route, '/things/:id');
      assert.equal(okLine.statusCode, 200);
      assert.equal(typeof okLine.responseTime, 'number');
      assert.ok(!readFileSync(file, 'utf8').includes('secret'), 'no query string');
      assert.deepEqual(about(probe), [], 'probes log at debug');
      const [missingLine] = about(missing).filter((l) => l.msg === 'request completed');
      assert.equal(missingLine?.statusCode, 404);
      assert.equal(missingLine.path, '/nothing/here');
      // A handler's error: Fastify's error line (pino, with `err`), then the request line.
      const [errored, completed, ...brokenRest] = about(broken);
      assert.deepEqual(brokenRest, []);
      assert.equal(errored?.level, 50);
      assert.equal((errored.err as { message?: string }).message, 'broken on purpose');
      assert.equal(completed?.msg, 'request completed');
      assert.equal(completed.statusCode, 500);
    } finally {
      await server.close();
    }
  });
});
