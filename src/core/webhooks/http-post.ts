import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Why a delivery attempt failed, in words safe to show on the subscription (no header values). */
export class WebhookDeliveryError extends Error {}

export interface PostOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** false: any certificate is accepted (the subscription's `verifyTlsCertificates: false`). */
  readonly verifyTls: boolean;
}

/**
 * POSTs a JSON body and resolves with the status code when the receiver answered 2xx; anything
 * else (another status, a refused connection, a TLS failure, the timeout) rejects with a
 * WebhookDeliveryError. The response body is read and discarded.
 */
export function postJson(options: PostOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      reject(new WebhookDeliveryError('The endpoint URL is not valid.'));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
          'user-agent': 'Tessera-Webhooks',
        },
        timeout: options.timeoutMs,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: options.verifyTls } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(status);
          else reject(new WebhookDeliveryError(`The endpoint answered HTTP ${status}.`));
        });
        res.on('error', () => reject(new WebhookDeliveryError('The response could not be read.')));
      },
    );
    req.on('timeout', () => {
      req.destroy(new WebhookDeliveryError(`No response within ${options.timeoutMs} ms.`));
    });
    req.on('error', (error) => {
      if (error instanceof WebhookDeliveryError) reject(error);
      else {
        const code = (error as NodeJS.ErrnoException).code;
        // Node names certificate failures with codes like DEPTH_ZERO_SELF_SIGNED_CERT.
        if (code !== undefined && /CERT|SSL|TLS/.test(code))
          reject(new WebhookDeliveryError(`The endpoint's TLS certificate was not accepted (${code}).`));
        else
          reject(new WebhookDeliveryError(`The endpoint could not be reached (${code ?? error.message}).`));
      }
    });
    req.end(options.body);
  });
}
