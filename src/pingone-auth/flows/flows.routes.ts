import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Flow, FlowAction, FlowResult } from '../../core/signon/flow.js';
import type { FastifyTypebox } from '../../http/context.js';
import { mediaTypeRoute, operationsWithParams } from '../../http/media-type-route.js';
import { ErrorSchema, sendPingOneError } from '../../pingone-common/errors.js';
import { acceptPingOneMediaTypes } from '../../pingone-common/media-types.js';
import { setSessionCookie, signOnContext } from '../session-cookie.js';
import { FlowSchema, flowJson } from './flow-json.js';

const Params = Type.Object({ envID: Type.String(), flowID: Type.String() });
type Params = Static<typeof Params>;

/** Long enough for any passphrase, short enough that nobody makes the server hash a megabyte. */
const Secret = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 1024 });

const BODIES = {
  'usernamePassword.check': Type.Object({ username: Name, password: Secret }),
  'password.reset': Type.Object({ currentPassword: Secret, newPassword: Secret }),
  'password.forgot': Type.Object({ username: Name }),
  'password.recover': Type.Object({
    recoveryCode: Type.String({ minLength: 1, maxLength: 64 }),
    newPassword: Secret,
  }),
  'user.register': Type.Object({ username: Name, email: Name, password: Secret }),
} as const;

const SUMMARIES: Record<FlowAction['type'], string> = {
  'usernamePassword.check': 'Sign on with a username and password',
  'password.reset': 'Change an expired or temporary password',
  'password.forgot': 'Start password recovery (emails a recovery code)',
  'password.sendRecoveryCode': 'Send the recovery code again',
  'password.recover': 'Set a new password with the recovery code',
  'user.register': 'Register a new user',
  'session.reset': 'Start the flow again (switch accounts)',
};

/**
 * The Flows API (reference §4): `GET` reads a flow, `POST` runs the action its Content-Type
 * names (`application/vnd.pingidentity.<action>+json`). No bearer token: the flow id and the
 * `ST` cookie are the state. A completed sign-on sets `ST`.
 */
export function flowRoutes(app: FastifyTypebox) {
  const { services, config, validators } = app.tessera;
  const { flows } = services;
  acceptPingOneMediaTypes(app);
  app.setErrorHandler((error, request, reply) => sendPingOneError(request, reply, error));

  const url = '/:envID/flows/:flowID';
  const response = {
    200: FlowSchema,
    400: ErrorSchema,
    404: ErrorSchema,
    409: ErrorSchema,
    415: ErrorSchema,
  };
  const answer = async (flow: Flow) => flowJson(flow, config.publicUrl, await flows.presentation(flow));

  app.get(
    url,
    { schema: { tags: ['Flows'], summary: 'Read a sign-on flow', params: Params, response } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return answer(await flows.get(request.params.envID, request.params.flowID));
    },
  );

  const run = async (
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    action: FlowAction,
  ) => {
    const params = request.params;
    const result: FlowResult = await flows.act(params.envID, params.flowID, action, signOnContext(request));
    setSessionCookie(reply, config.publicUrl, result.session, services.clock.now());
    void reply.header('cache-control', 'no-store');
    return answer(result.flow);
  };

  const operation = operationsWithParams(Params);
  const withBody = <T extends keyof typeof BODIES>(
    type: T,
    mediaType = `application/vnd.pingidentity.${type}+json`,
  ) =>
    operation<TSchema>({
      mediaType,
      summary: SUMMARIES[type],
      body: BODIES[type],
      handle: (request, reply, body) => run(request, reply, { type, ...(body as object) } as FlowAction),
    });
  const withoutBody = (type: 'password.sendRecoveryCode' | 'session.reset', mediaType: string) =>
    operation({
      mediaType,
      summary: SUMMARIES[type],
      handle: (request, reply) => run(request, reply, { type }),
    });

  const operations = [
    withBody('usernamePassword.check'),
    withBody('password.reset'),
    withBody('password.forgot'),
    withBody('password.recover'),
    withBody('user.register'),
    // PingOne's table names it without `+json`, its sample sends `+json`: matching ignores the suffix.
    withoutBody('password.sendRecoveryCode', 'application/vnd.pingidentity.password.sendRecoveryCode'),
    withoutBody('session.reset', 'application/vnd.pingidentity.session.reset+json'),
  ];
  mediaTypeRoute(app, validators, {
    method: 'POST',
    url,
    schema: {
      tags: ['Flows'],
      summary: 'Run a sign-on flow action (chosen by Content-Type)',
      params: Params,
      response,
    },
    operations,
  });
}
