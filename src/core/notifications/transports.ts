import nodemailer from 'nodemailer';
import type {
  Address,
  EmailDeliverySettings,
  OutboxEntry,
  PhoneDeliverySettings,
  PhoneProviderSecrets,
} from './notification.js';
import { derivedProtocol } from './notification.js';

/** A delivery failure whose message is safe to store and show (never carries secrets). */
export class DeliveryError extends Error {}

const formatAddress = (a: Address | undefined) =>
  a ? (a.name ? { name: a.name, address: a.address } : a.address) : undefined;

/** Loopback and private-network hosts: local SMTP test servers (MailHog, Mailpit, smtp-server...). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** nodemailer's codes for "this server does not speak TLS" (implicit TLS or STARTTLS). */
const NO_TLS = new Set(['ESOCKET', 'ETLS']);

/**
 * Sends one email over real SMTP to the environment's configured server. The protocol follows
 * PingOne (derived from the port) unless the Tessera `protocol` override is set. For a host on the
 * loopback or a private network only, a server that turns out not to speak TLS is used in plain
 * SMTP, and one that refuses the login is used without it: local test servers rarely have
 * certificates or accounts, and there is no untrusted network to protect.
 */
export async function sendEmail(
  settings: EmailDeliverySettings,
  password: string,
  entry: OutboxEntry,
  fallbackFrom: Address | undefined,
): Promise<void> {
  if (entry.message.kind !== 'EMAIL') throw new DeliveryError('not an email');
  const protocol = settings.protocolOverride ?? derivedProtocol(settings.port);
  const message = entry.message;
  const from = message.from ??
    settings.from ??
    fallbackFrom ?? { address: settings.username.includes('@') ? settings.username : 'noreply@localhost' };
  const mail = {
    from: formatAddress(from),
    replyTo: formatAddress(message.replyTo ?? settings.replyTo),
    to: entry.recipient,
    subject: message.subject,
    ...(message.contentType.toLowerCase().includes('html') ? { html: message.body } : { text: message.body }),
    encoding: message.charset,
    headers: { 'Content-Language': entry.locale, 'X-Tessera-Notification-Id': entry.id },
  };
  type Tls = 'implicit' | 'required' | 'opportunistic';
  const attempt = async (tls: Tls, authenticate = true) => {
    const transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: tls === 'implicit',
      requireTLS: tls === 'required',
      auth: authenticate && settings.username ? { user: settings.username, pass: password } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    try {
      await transport.sendMail(mail);
    } finally {
      transport.close();
    }
  };
  // PingOne's derived SMTP means STARTTLS; the Tessera `protocol: SMTP` override allows plain SMTP.
  const first =
    protocol === 'SMTPS'
      ? 'implicit'
      : settings.protocolOverride === undefined
        ? 'required'
        : 'opportunistic';
  const local = isLocalHost(settings.host);
  const codeOf = (error: unknown) => (error as { code?: string }).code ?? '';
  try {
    let tls: Tls = first;
    try {
      await attempt(tls);
    } catch (error) {
      if (!local) throw error;
      if (tls !== 'opportunistic' && NO_TLS.has(codeOf(error))) {
        tls = 'opportunistic';
        try {
          await attempt(tls);
          return;
        } catch (retry) {
          if (codeOf(retry) !== 'EAUTH') throw retry;
        }
      } else if (codeOf(error) !== 'EAUTH') {
        throw error;
      }
      // A local test server that offers AUTH but implements none: deliver unauthenticated.
      await attempt(tls, false);
    }
  } catch (error) {
    // nodemailer's messages name the host and the SMTP reply, never the password.
    throw new DeliveryError(`SMTP delivery failed: ${(error as Error).message}`.slice(0, 500));
  }
}

const jsonEscape = (value: string) => JSON.stringify(value).slice(1, -1);

/**
 * Sends one SMS with the custom HTTP provider: `${to}` and `${message}` are substituted in the
 * URL (URL-encoded), the headers and the body (JSON-escaped when the body is JSON).
 */
export async function sendSms(
  provider: PhoneDeliverySettings,
  secrets: PhoneProviderSecrets,
  entry: OutboxEntry,
): Promise<void> {
  if (entry.message.kind !== 'SMS') throw new DeliveryError('not an SMS');
  const request = provider.requests.find((r) => r.deliveryMethod === 'SMS');
  if (!request) throw new DeliveryError('The phone delivery provider has no SMS request.');
  const to =
    request.phoneNumberFormat === 'NUMBER_ONLY' ? entry.recipient.replace(/[^0-9]/g, '') : entry.recipient;
  const values: Record<string, string> = {
    to,
    message: entry.message.content,
    from: entry.message.sender ?? '',
  };
  const fill = (text: string, encode: (v: string) => string) =>
    text.replace(/\$\{\s*(to|message|from)\s*\}/g, (_m, name: string) => encode(values[name] ?? ''));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = fill(value, (v) => v);
  const isJson = Object.entries(headers).some(
    ([n, v]) => n.toLowerCase() === 'content-type' && v.toLowerCase().includes('json'),
  );
  const auth = provider.authentication;
  if (auth?.method === 'BASIC') {
    headers.authorization =
      'Basic ' + Buffer.from(`${auth.username}:${secrets.password ?? ''}`).toString('base64');
  } else if (auth?.method === 'BEARER') {
    headers.authorization = `Bearer ${secrets.authToken ?? ''}`;
  }
  const url = fill(request.url, encodeURIComponent);
  let body: string | undefined;
  if (request.method === 'POST' && request.body !== undefined) {
    const inner = fill(request.body, isJson ? jsonEscape : (v) => v);
    body = `${request.beforeTag ?? ''}${inner}${request.afterTag ?? ''}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new DeliveryError(`SMS provider unreachable: ${(error as Error).message}`.slice(0, 500));
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new DeliveryError(`SMS provider answered HTTP ${response.status}.`);
}
