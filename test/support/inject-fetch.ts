import type { TestServer } from './harness.js';

/**
 * A Fetch API over `app.inject`, for relying-party libraries (openid-client's `customFetch`):
 * the library speaks real HTTP semantics to Tessera without a listening socket. Requests to any
 * host reach the server under test, which is what `TESSERA_PUBLIC_URL` names.
 */
export function injectFetch(server: () => TestServer) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const response = await server().app.server.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body ? { payload: body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, String(v));
    }
    const nullBody = [204, 205, 304].includes(response.statusCode);
    return new Response(nullBody ? null : response.rawPayload, {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
}
