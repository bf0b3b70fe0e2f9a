import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/shared/errors.js';
import type { Flow, FlowAction } from '../../core/signon/flow.js';
import type { FastifyTypebox } from '../../http/context.js';
import { toPingOneError } from '../../pingone-common/errors.js';
import { flowJson, type FlowWire } from '../flows/flow-json.js';
import { appendSetCookie, readCookie, setSessionCookie, signOnContext } from '../session-cookie.js';
import type { PingOneErrorEnvelope } from './flow-json.js';
import { parseSignOnForm } from './form.js';
import { renderSignOnPage, signOnPageUrl } from './render.js';
import {
  contentSecurityPolicy,
  csrfTokenFor,
  newCspNonce,
  signOnPageHeaders,
  verifyCsrfToken,
} from './security.js';
import { parseSignOnView, type SignOnView } from './signon-screens.js';

/** The browser's binding for the page's CSRF tokens: random, HttpOnly, scoped to the page. */
const BINDING_COOKIE = 'tessera_signon';

const Params = Type.Object({ envID: Type.String() });
const Query = Type.Object({ flowId: Type.Optional(Type.String()), view: Type.Optional(Type.String()) });
type Params = Static<typeof Params>;
type Query = Static<typeof Query>;

const ACTIONS = new Set<string>([
  'usernamePassword.check',
  'password.reset',
  'password.forgot',
  'password.sendRecoveryCode',
  'password.recover',
  'user.register',
  'session.reset',
]);

const formExpired: PingOneErrorEnvelope = {
  code: 'INVALID_REQUEST',
  message: 'The form expired.',
  details: [{ code: 'INVALID_VALUE', target: 'csrfToken', message: 'This form expired. Please try again.' }],
};

/**
 * The hosted sign-on page `{publicUrl}/{envID}/signon/?flowId=…` (reference §6): a plain-HTML
 * client of the same flow service as the Flows API. GET draws the flow's screen; POST runs the
 * form's action and draws the screen again (with the error), or 303s to the resume URL once the
 * flow is COMPLETED or FAILED. No JavaScript; CSRF tokens are bound to the flow and to a random
 * page cookie.
 */
export function signOnPageRoutes(app: FastifyTypebox) {
  const { services, config } = app.tessera;
  const { flows } = services;
  const publicOrigin = new URL(config.publicUrl).origin;

  /** The binding cookie's value, set on the reply when the browser had none. */
  function binding(request: FastifyRequest, reply: FastifyReply, envId: string): string {
    const existing = readCookie(request, BINDING_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
    const value = randomBytes(24).toString('base64url');
    const secure = config.publicUrl.startsWith('https:') ? '; Secure' : '';
    appendSetCookie(
      reply,
      `${BINDING_COOKIE}=${value}; Path=/${encodeURIComponent(envId)}/signon; HttpOnly; SameSite=Lax${secure}`,
    );
    return value;
  }

  async function loadFlow(envId: string, flowId: string | undefined): Promise<Flow | null> {
    if (!flowId) return null;
    try {
      return await flows.get(envId, flowId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** Origins a form may end up at: this server, and the client's redirect URI after resume. */
  function formActionOrigins(flow: Flow | null): string[] {
    const out = [publicOrigin];
    const redirect = flow?.request.redirectUri;
    if (redirect && /^https?:\/\//i.test(redirect)) out.push(redirect);
    return out;
  }

  async function draw(
    reply: FastifyReply,
    envId: string,
    flow: Flow | null,
    bindingValue: string,
    extra: {
      error?: PingOneErrorEnvelope;
      values?: { username?: string; email?: string };
      view?: SignOnView;
      status?: number;
    },
  ) {
    const wire: FlowWire | null = flow
      ? flowJson(flow, config.publicUrl, await flows.presentation(flow))
      : null;
    const nonce = newCspNonce();
    const key = await flows.pageKey();
    const out = renderSignOnPage({
      flow: wire,
      error: extra.error,
      values: extra.values,
      view: extra.view,
      csrfToken: flow ? csrfTokenFor(key, flow.id, bindingValue) : '',
      cspNonce: nonce,
      environmentId: envId,
      baseUrl: config.publicUrl,
    });
    return reply
      .status(extra.status ?? out.status)
      .headers(
        signOnPageHeaders(contentSecurityPolicy({ nonce, formActionOrigins: formActionOrigins(flow) })),
      )
      .send(out.html);
  }

  const schema = {
    tags: ['Hosted sign-on page'],
    params: Params,
    querystring: Query,
    response: {
      200: Type.String(),
      303: Type.String(),
      400: Type.String(),
      403: Type.String(),
      404: Type.String(),
    },
  };

  for (const url of ['/:envID/signon/', '/:envID/signon']) {
    app.get(url, { schema: { ...schema, summary: 'The hosted sign-on page' } }, async (request, reply) => {
      const { envID } = request.params;
      const bound = binding(request, reply, envID);
      const flow = await loadFlow(envID, request.query.flowId);
      return draw(reply, envID, flow, bound, { view: parseSignOnView(request.query.view) });
    });

    app.post(
      url,
      {
        schema: {
          ...schema,
          summary: 'Submit a form of the hosted sign-on page',
          body: Type.Record(Type.String(), Type.Unknown()),
        },
      },
      async (request, reply) => {
        const { envID } = request.params;
        const { flowId } = request.query;
        const bound = binding(request, reply, envID);
        const flow = await loadFlow(envID, flowId);
        if (!flow) return draw(reply, envID, null, bound, {});
        const form = parseSignOnForm(request.body);
        const key = await flows.pageKey();
        if (!verifyCsrfToken(key, flow.id, bound, form.csrfToken)) {
          return draw(reply, envID, flow, bound, { error: formExpired, values: form.values, status: 403 });
        }
        if (!form.ok)
          return draw(reply, envID, flow, bound, { error: form.error, values: form.values, view: form.view });
        if (!ACTIONS.has(form.action)) {
          return draw(reply, envID, flow, bound, { error: formExpired, values: form.values });
        }
        try {
          const action = { type: form.action, ...form.fields } as FlowAction;
          const result = await flows.act(envID, flow.id, action, signOnContext(request));
          setSessionCookie(reply, config.publicUrl, result.session, services.clock.now());
          const next = result.flow;
          const location =
            next.status === 'COMPLETED' || next.status === 'FAILED'
              ? flowJson(next, config.publicUrl, { application: undefined, passwordPolicy: undefined })
                  .resumeUrl
              : signOnPageUrl({ baseUrl: config.publicUrl, environmentId: envID, flowId: next.id });
          return reply.status(303).header('location', location).header('cache-control', 'no-store').send('');
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const mapped = toPingOneError(error);
          const current = error.kind === 'not_found' ? null : await loadFlow(envID, flow.id);
          return draw(reply, envID, current, bound, {
            error: mapped.body,
            values: form.values,
            view: form.view,
          });
        }
      },
    );
  }
}
