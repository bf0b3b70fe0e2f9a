// Sign-on scenarios: each iteration is a chain of dependent requests (a flow id, a cookie, a
// rotated refresh token), which autocannon's fixed requests cannot carry, so CONNECTIONS loops of
// fetch run them for the measured duration and time each iteration.
import { createHash, randomBytes } from 'node:crypto';
import type { BenchFixture } from '../fixture.js';
import { loop, type LoadResult } from '../lib/load.js';
import type { ApiCall } from './api.js';

const REDIRECT = 'https://bench.example.com/callback';
export const SIGNON_PASSWORD = 'Qz7!vRp-signon';

/** A SPA (public client, PKCE) with refresh tokens, and the benchmark user's password. */
export async function prepareSignOn(f: BenchFixture, call: ApiCall): Promise<string> {
  const app = (await call('POST', `/v1/environments/${f.environmentId}/applications`, {
    name: `bench-spa-${randomBytes(4).toString('hex')}`,
    enabled: true,
    type: 'SINGLE_PAGE_APP',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
    responseTypes: ['CODE'],
    tokenEndpointAuthMethod: 'NONE',
    redirectUris: [REDIRECT],
  })) as { id: string };
  await call(
    'PUT',
    `/v1/environments/${f.environmentId}/users/${f.userId}/password`,
    { value: SIGNON_PASSWORD, forceChange: false },
    'application/vnd.pingidentity.password.set+json',
  );
  return app.id;
}

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A full `pi.flow` sign-on (authorize → usernamePassword.check → resume): returns the code. */
export async function piFlowSignOn(f: BenchFixture, clientId: string, username: string, verifier: string) {
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    response_mode: 'pi.flow',
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const flow = await json(
    await fetch(`${f.baseUrl}/${f.environmentId}/as/authorize?${query.toString()}`),
    'authorize',
  );
  const checked = await fetch(`${f.baseUrl}/${f.environmentId}/flows/${String(flow.id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.pingidentity.usernamePassword.check+json' },
    body: JSON.stringify({ username, password: SIGNON_PASSWORD }),
  });
  const cookie = /(?:^|, )(ST=[^;]+)/.exec(checked.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const completed = await json(checked, 'usernamePassword.check');
  const resume = new URL(String(completed.resumeUrl));
  const resumed = await json(
    await fetch(`${f.baseUrl}${resume.pathname}${resume.search}`, { headers: { cookie } }),
    'resume',
  );
  const code = (resumed.authorizeResponse as { code?: string } | undefined)?.code;
  if (!code) throw new Error(`resume gave no code: ${JSON.stringify(resumed)}`);
  return code;
}

/** Redeems a code for tokens (with a refresh token). */
export async function redeem(f: BenchFixture, clientId: string, code: string, verifier: string) {
  return json(
    await fetch(`${f.baseUrl}/${f.environmentId}/as/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: clientId,
        code_verifier: verifier,
      }),
    }),
    'token',
  );
}

export async function refresh(f: BenchFixture, clientId: string, refreshToken: string): Promise<string> {
  const tokens = await json(
    await fetch(`${f.baseUrl}/${f.environmentId}/as/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      }),
    }),
    'refresh',
  );
  return String(tokens.refresh_token);
}

export interface SignOnMeasurement {
  readonly name: string;
  readonly result: LoadResult;
  /** Compared with the raw argon2id rate rather than the HTTP ceiling. */
  readonly isPasswordHash: boolean;
}

/** The user bench/server.ts creates. */
const BENCH_USERNAME = 'bench.user';

/**
 * A full `pi.flow` sign-on (one argon2id verification) per iteration, compared with the raw hash
 * rate, and the token endpoint's refresh rate (each loop follows its own rotating token).
 */
export async function signOnMeasurements(
  store: string,
  f: BenchFixture,
  call: ApiCall,
  connections: number,
  seconds: number,
): Promise<SignOnMeasurement[]> {
  const clientId = await prepareSignOn(f, call);
  const signOn = () => piFlowSignOn(f, clientId, BENCH_USERNAME, randomBytes(32).toString('base64url'));
  const signOns = await loop(connections, seconds, async () => async () => void (await signOn()));
  const refreshes = await loop(connections, seconds, async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await piFlowSignOn(f, clientId, BENCH_USERNAME, verifier);
    let token = String((await redeem(f, clientId, code, verifier)).refresh_token);
    return async () => {
      token = await refresh(f, clientId, token);
    };
  });
  return [
    { name: `${store}: pi.flow sign-on (3 requests, argon2id)`, result: signOns, isPasswordHash: true },
    { name: `${store}: token refresh_token grant`, result: refreshes, isPasswordHash: false },
  ];
}
