import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizeError } from '../../core/oauth/authorize-request.js';
import { DomainError } from '../../core/shared/errors.js';
import { OAuthError } from '../../core/tokens/tokens.service.js';
import type { Flow } from '../../core/signon/flow.js';
import type { FastifyTypebox } from '../../http/context.js';
import { flowJson, FlowSchema } from '../flows/flow-json.js';
import { readSessionCookie, setSessionCookie, signOnContext } from '../session-cookie.js';
import { sendAuthorizeResponse, sendErrorToClient, sendLocalError, wantsJson } from './authorize-response.js';

const Params = Type.Object({ envID: Type.String() });
const RawParams = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
/** pi.flow answers: the flow, and once it is over, `authorizeResponse` (reference §4.7, §10 #6). */
const AuthorizeJson = Type.Object({
  ...Type.Partial(FlowSchema).properties,
  authorizeResponse: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const ErrorJson = Type.Object({
  ...AuthorizeJson.properties,
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
});
const response = { 200: AuthorizeJson, 400: ErrorJson };

const TERMINAL = new Set(['COMPLETED', 'FAILED']);

/** RFC 6749 §3.1: a parameter sent twice makes the request invalid. */
function singleValued(raw: Record<string, string | string[]>): Record<string, string | undefined> | string {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) return name;
    out[name] = value === '' ? undefined : value;
  }
  return out;
}

/**
 * `GET|POST /{envID}/as/authorize` and `GET /{envID}/as/resume` (reference §3.1–3.2, §4.7): the
 * request is validated, a flow started through the sign-on engine, and the browser (or pi.flow
 * caller) sent to sign on; resume turns the finished flow into the authorization response.
 */
export function authorizeRoutes(app: FastifyTypebox) {
  const { services, config } = app.tessera;
  const { oauth, flows, clock } = services;
  const publicUrl = config.publicUrl;

  const flowAnswer = async (flow: Flow) => flowJson(flow, publicUrl, await flows.presentation(flow));

  function signOnLocation(flow: Flow, loginPageUrl: string | undefined): string {
    if (loginPageUrl !== undefined) {
      const url = new URL(loginPageUrl);
      url.searchParams.set('environmentId', flow.environmentId);
      url.searchParams.set('flowId', flow.id);
      return url.toString();
    }
    return `${publicUrl}/${flow.environmentId}/signon/?flowId=${encodeURIComponent(flow.id)}`;
  }

  /**
   * Answers a finished flow, once. `boundToBrowser`: the ST cookie must name the flow's session,
   * so a resume URL that leaks (logs, referrers) is useless in another browser.
   */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    environmentId: string,
    flowId: string,
    boundToBrowser: boolean,
  ) {
    let json = wantsJson(request, undefined);
    const local = (description: string) =>
      sendLocalError(request, reply, new AuthorizeError('invalid_request', description), json);
    let flow: Flow;
    try {
      flow = await flows.get(environmentId, flowId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found')
        return local('The sign-on flow is unknown or has expired');
      throw error;
    }
    const client = await oauth.signOnClient(environmentId, flow.applicationId);
    if (!client) return local('The application of this sign-on is no longer available');
    const piFlow = flow.request.responseMode === 'pi.flow';
    json ||= piFlow;
    if (!TERMINAL.has(flow.status)) {
      if (piFlow || json)
        return reply
          .status(200)
          .header('cache-control', 'no-store')
          .send(await flowAnswer(flow));
      return reply.status(302).header('location', signOnLocation(flow, client.loginPageUrl)).send();
    }
    if (boundToBrowser && flow.status === 'COMPLETED' && readSessionCookie(request) !== flow.sessionId) {
      return local('Resume the sign-on in the browser that signed on');
    }
    let consumed: Flow;
    try {
      consumed = await flows.consume(environmentId, flowId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found')
        return local('The sign-on flow was already used');
      throw error;
    }
    const target = {
      redirectUri: consumed.request.redirectUri,
      responseMode: consumed.request.responseMode,
      state: consumed.request.state,
    };
    const flowBody = piFlow ? { json: { ...(await flowAnswer(consumed)) } } : {};
    if (consumed.status === 'FAILED') {
      const failure = consumed.failure ?? { error: 'access_denied', description: 'The sign-on failed' };
      return sendAuthorizeResponse(
        reply,
        target,
        { error: failure.error, error_description: failure.description, state: target.state },
        {
          json: { ...(flowBody.json ?? {}), error: failure.error, error_description: failure.description },
          status: piFlow ? 400 : 200,
        },
      );
    }
    let issued;
    try {
      issued = await oauth.completeAuthorization(consumed, client);
    } catch (error) {
      // The user was disabled or deleted between sign-on and resume.
      if (!(error instanceof OAuthError)) throw error;
      return sendErrorToClient(reply, target, 'access_denied', error.description);
    }
    return sendAuthorizeResponse(
      reply,
      target,
      {
        code: issued.code,
        ...(issued.accessToken !== undefined
          ? {
              access_token: issued.accessToken,
              token_type: 'Bearer',
              expires_in: String(issued.expiresIn),
              scope: issued.scopes.join(' '),
            }
          : {}),
        id_token: issued.idToken,
        state: target.state,
      },
      flowBody,
    );
  }

  async function authorize(
    request: FastifyRequest,
    environmentId: string,
    reply: FastifyReply,
    raw: Record<string, string | string[]>,
  ) {
    const params = singleValued(raw);
    const mode = typeof raw.response_mode === 'string' ? raw.response_mode : undefined;
    const json = wantsJson(request, mode);
    if (typeof params === 'string') {
      return sendLocalError(
        request,
        reply,
        new AuthorizeError('invalid_request', `${params} was sent more than once`),
        json,
      );
    }
    let prepared;
    try {
      prepared = await oauth.prepareAuthorization(environmentId, params);
    } catch (error) {
      if (!(error instanceof AuthorizeError)) throw error;
      return error.target
        ? sendErrorToClient(reply, error.target, error.error, error.description)
        : sendLocalError(request, reply, error, json);
    }
    const { application, request: authorization } = prepared;
    const started = await flows.start({
      environmentId,
      applicationId: application.id,
      request: authorization,
      context: signOnContext(request),
    });
    setSessionCookie(reply, publicUrl, started.session, clock.now());
    const flow = started.flow;
    if (TERMINAL.has(flow.status)) return finish(request, reply, environmentId, flow.id, false);
    if (authorization.responseMode === 'pi.flow' || json) {
      return reply
        .status(200)
        .header('cache-control', 'no-store')
        .send(await flowAnswer(flow));
    }
    return reply
      .status(302)
      .header('cache-control', 'no-store')
      .header('location', signOnLocation(flow, application.loginPageUrl))
      .send();
  }

  const tags = ['Authentication'];
  app.get(
    '/:envID/as/authorize',
    {
      schema: {
        tags,
        summary: 'Authorization request (query)',
        params: Params,
        querystring: RawParams,
        response,
      },
    },
    (request, reply) => authorize(request, request.params.envID, reply, request.query),
  );
  app.post(
    '/:envID/as/authorize',
    {
      schema: {
        tags,
        summary: 'Authorization request (form)',
        params: Params,
        consumes: ['application/x-www-form-urlencoded'],
        body: RawParams,
        response,
      },
    },
    (request, reply) => authorize(request, request.params.envID, reply, request.body),
  );
  app.get(
    '/:envID/as/resume',
    {
      schema: {
        tags,
        summary: 'Resume an authorization after its flow completed',
        params: Params,
        querystring: Type.Object({ flowId: Type.String({ minLength: 1 }) }),
        response,
      },
    },
    (request, reply) => finish(request, reply, request.params.envID, request.query.flowId, true),
  );
}
