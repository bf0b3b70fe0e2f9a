import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../../http/context.js';
import { formOf } from '../../http/oauth.js';

const Params = Type.Object({ envID: Type.String() });
const UserInfo = Type.Object({ sub: Type.String() }, { additionalProperties: true });
const BearerError = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/** RFC 6750 §2.1 header, or §2.2 form field (POST only); never both (§2). */
function bearerToken(request: FastifyRequest): { token: string | undefined } | 'ambiguous' {
  const header = request.headers.authorization;
  const fromHeader =
    typeof header === 'string' && /^Bearer\s+/i.test(header)
      ? header.replace(/^Bearer\s+/i, '').trim()
      : undefined;
  const posted = request.method === 'POST' ? formOf(request).access_token : undefined;
  const fromForm = typeof posted === 'string' ? posted : undefined;
  if (fromHeader !== undefined && fromForm !== undefined) return 'ambiguous';
  return { token: fromHeader ?? fromForm };
}

/** `GET|POST /{envID}/as/userinfo` (OIDC Core §5.3, reference §3.7). */
export function userinfoRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;

  const handler = async (request: FastifyRequest<{ Params: { envID: string } }>, reply: FastifyReply) => {
    void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    const found = bearerToken(request);
    if (found === 'ambiguous') {
      return reply
        .status(400)
        .header('WWW-Authenticate', 'Bearer error="invalid_request"')
        .send({ error: 'invalid_request', error_description: 'Send the access token one way only' });
    }
    const token = found.token;
    if (token === undefined || token === '') {
      // RFC 6750 §3.1: no credentials → no error code in the challenge.
      return reply.status(401).header('WWW-Authenticate', 'Bearer realm="userinfo"').send({
        error: 'invalid_token',
        error_description: 'An access token is required',
      });
    }
    const claims = await services.oauth.userinfo(request.params.envID, token);
    if (!claims) {
      return reply
        .status(401)
        .header(
          'WWW-Authenticate',
          'Bearer error="invalid_token", error_description="The access token is invalid"',
        )
        .send({ error: 'invalid_token', error_description: 'The access token is invalid' });
    }
    return reply.send(claims);
  };

  const schema = {
    tags: ['Authentication'],
    params: Params,
    response: { 200: UserInfo, 400: BearerError, 401: BearerError },
  };
  app.get('/:envID/as/userinfo', { schema: { ...schema, summary: 'UserInfo (GET)' } }, handler);
  app.post(
    '/:envID/as/userinfo',
    { schema: { ...schema, summary: 'UserInfo (POST)', consumes: ['application/x-www-form-urlencoded'] } },
    handler,
  );
}
