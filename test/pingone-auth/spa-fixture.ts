// A tiny single-page app for the Chromium tests: static HTML and one module script that runs
// authorization code + PKCE (S256) against Tessera from another origin, by fetch through CORS.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SpaConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

/** The SPA's script: start → authorize; back with a code → token, userinfo, refresh; sign off. */
const SCRIPT = `
const config = JSON.parse(document.getElementById('config').textContent);
const log = (step, value) => {
  const item = document.createElement('li');
  item.dataset.step = step;
  item.textContent = JSON.stringify(value);
  document.getElementById('log').append(item);
};
const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
const form = (fields) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

async function discover() {
  const response = await fetch(config.issuer + '/.well-known/openid-configuration');
  return response.json();
}

async function start() {
  const metadata = await discover();
  const verifier = random();
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const saved = { verifier, state: random(), nonce: random() };
  sessionStorage.setItem('signon', JSON.stringify(saved));
  const url = new URL(metadata.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    scope: 'openid profile email',
    state: saved.state,
    nonce: saved.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })) url.searchParams.set(name, value);
  location.assign(url);
}

async function finish(params) {
  const saved = JSON.parse(sessionStorage.getItem('signon'));
  if (params.get('state') !== saved.state) throw new Error('state does not match');
  const metadata = await discover();
  const exchanged = await fetch(metadata.token_endpoint, form({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: config.redirectUri,
    client_id: config.clientId,
    code_verifier: saved.verifier,
  }));
  const tokens = await exchanged.json();
  log('token', { status: exchanged.status, tokens, nonce: saved.nonce });
  const info = await fetch(metadata.userinfo_endpoint, { headers: { authorization: 'Bearer ' + tokens.access_token } });
  log('userinfo', { status: info.status, claims: await info.json() });
  const refreshing = await fetch(metadata.token_endpoint, form({
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
    client_id: config.clientId,
  }));
  const refreshed = await refreshing.json();
  log('refresh', { status: refreshing.status, rotated: refreshed.refresh_token !== tokens.refresh_token });
  const again = await fetch(metadata.userinfo_endpoint, { headers: { authorization: 'Bearer ' + refreshed.access_token } });
  log('userinfo-after-refresh', { status: again.status });
  const signOff = new URL(metadata.end_session_endpoint);
  signOff.searchParams.set('id_token_hint', refreshed.id_token ?? tokens.id_token);
  signOff.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri);
  const link = document.getElementById('signoff');
  link.href = signOff.toString();
  link.hidden = false;
  log('done', true);
}

const params = new URLSearchParams(location.search);
const run = location.pathname === '/callback' ? finish(params) : location.pathname === '/' ? start() : Promise.resolve();
run.catch((error) => log('error', String(error)));
`;

const page = (config: SpaConfig, title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script type="application/json" id="config">${JSON.stringify(config)}</script>
<script type="module" src="/app.js"></script></head>
<body><h1>${title}</h1><ol id="log"></ol><a id="signoff" hidden>Sign off</a></body></html>`;

/** Serves the SPA on 127.0.0.1 (another origin than Tessera's `localhost`); config read per request. */
export async function startSpa(
  configOf: (origin: string) => SpaConfig,
): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://spa').pathname;
    if (path === '/app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(SCRIPT);
      return;
    }
    const title = path === '/logged-out' ? 'Signed out of the SPA' : 'SPA';
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(page(configOf(origin), title));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, server };
}
