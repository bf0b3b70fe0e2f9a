import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly envelopeTo: string[];
  readonly parsed: ParsedMail;
}

/**
 * A real SMTP server in the test process (plain SMTP, AUTH PLAIN/LOGIN checked against one
 * account). `stop()` and `start()` simulate an outage; a restart listens on the same port.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  constructor(
    readonly username = 'mailer',
    readonly password = 'smtp-password-for-tests',
    /** Accept mail without a login, like many local test servers. */
    readonly authOptional = false,
  ) {}

  async start(port = this.port): Promise<this> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: this.authOptional,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.username && auth.password === this.password)
          return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * The PUT body for emailDeliverySettings pointing at this server. Without `plain`, Tessera
   * derives SMTPS from the port and falls back to plain SMTP because the host is local.
   */
  settings(options: { plain?: boolean } = { plain: true }) {
    return {
      host: '127.0.0.1',
      port: this.port,
      username: this.username,
      password: this.password,
      from: { name: 'Tessera Tests', address: 'tessera@example.test' },
      ...(options.plain ? { tessera: { protocol: 'SMTP' } } : {}),
    };
  }
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP server standing in for a custom SMS provider; answers `status` to every request. */
export class TestSmsProvider {
  readonly received: ReceivedRequest[] = [];
  status = 200;
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        this.received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.statusCode = this.status;
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/sms`;
  }
}
