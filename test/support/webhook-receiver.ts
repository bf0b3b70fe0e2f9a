import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * A real local HTTP receiver for webhook tests: records every POST (headers and JSON body) and
 * answers `status` (200 by default). `stop()` takes it down (connections refused), `start()`
 * brings it back on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  status = 200;
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
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
    });
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
    return `http://127.0.0.1:${this.port}/hook`;
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
