import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parts of a delivered activity the tests read. */
export interface DeliveredActivity {
  readonly id: string;
  readonly correlationId?: string;
  readonly action: { readonly type: string };
  readonly resources: ReadonlyArray<{ readonly id: string; readonly type: string }>;
}

export interface ReceivedDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: DeliveredActivity[];
}

/** A key and a self-signed certificate for 127.0.0.1 (PEM), made by the machine's `openssl`. */
export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
}

/**
 * A fresh self-signed certificate for `127.0.0.1` (Node cannot self-sign without a library, so
 * the test runs `openssl req -x509` once in a temporary directory).
 */
export function selfSignedCertificate(): TlsIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1'],
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A real local HTTP receiver for webhook tests (HTTPS when given a TLS identity): records every
 * POST (headers and JSON body) and answers `status` (200 by default). `stop()` takes it down
 * (connections refused), `start()` brings it back on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  status = 200;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly tls?: TlsIdentity) {}

  async start(): Promise<this> {
    const listener: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.status === 200)
          this.received.push({
            headers: req.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedDelivery['body'],
          });
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end('ok');
      });
    };
    const server: Server = this.tls ? createHttpsServer(this.tls, listener) : createServer(listener);
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}/hook`;
  }

  /** Every activity received so far, in arrival order. */
  activities(): DeliveredActivity[] {
    return this.received.flatMap((delivery) => delivery.body);
  }
}

/** Polls `check` until it returns true (no timed assertion: the test runner's timeout bounds it). */
export async function eventually(check: () => boolean | Promise<boolean>, pauseMs = 50): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
