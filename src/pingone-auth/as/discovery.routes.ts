import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../../http/context.js';
import {
  REQUEST_OBJECT_HMAC_ALGORITHMS,
  REQUEST_OBJECT_KEY_ALGORITHMS,
} from '../../core/applications/request-objects.js';

const Params = Type.Object({ envID: Type.String() });

/** Reference §1.3 with §10 #2, #3: PingOne's recorded fields, all five auth methods, PKCE methods. */
const Discovery = Type.Object({
  issuer: Type.String(),
  authorization_endpoint: Type.String(),
  pushed_authorization_request_endpoint: Type.String(),
  token_endpoint: Type.String(),
  userinfo_endpoint: Type.String(),
  jwks_uri: Type.String(),
  end_session_endpoint: Type.String(),
  introspection_endpoint: Type.String(),
  revocation_endpoint: Type.String(),
  device_authorization_endpoint: Type.String(),
  claims_parameter_supported: Type.Boolean(),
  request_parameter_supported: Type.Boolean(),
  request_uri_parameter_supported: Type.Boolean(),
  require_pushed_authorization_requests: Type.Boolean(),
  scopes_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  response_modes_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  subject_types_supported: Type.Array(Type.String()),
  id_token_signing_alg_values_supported: Type.Array(Type.String()),
  userinfo_signing_alg_values_supported: Type.Array(Type.String()),
  request_object_signing_alg_values_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  claim_types_supported: Type.Array(Type.String()),
  claims_supported: Type.Array(Type.String()),
  code_challenge_methods_supported: Type.Array(Type.String()),
});

/** `GET /{envID}/as/.well-known/openid-configuration` (OpenID Connect Discovery 1.0). */
export function discoveryRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  app.get(
    '/:envID/as/.well-known/openid-configuration',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'OpenID Provider metadata of the environment',
        params: Params,
        response: { 200: Discovery },
      },
    },
    async (request, reply) => {
      const iss = services.oauth.issuerOf(request.params.envID);
      return reply.header('Cache-Control', 'public, max-age=300').send({
        issuer: iss,
        authorization_endpoint: `${iss}/authorize`,
        pushed_authorization_request_endpoint: `${iss}/par`,
        token_endpoint: `${iss}/token`,
        userinfo_endpoint: `${iss}/userinfo`,
        jwks_uri: `${iss}/jwks`,
        end_session_endpoint: `${iss}/signoff`,
        introspection_endpoint: `${iss}/introspect`,
        revocation_endpoint: `${iss}/revoke`,
        device_authorization_endpoint: `${iss}/device_authorization`,
        claims_parameter_supported: false,
        request_parameter_supported: true,
        request_uri_parameter_supported: false,
        require_pushed_authorization_requests: false,
        scopes_supported: ['openid', 'profile', 'email', 'address', 'phone'],
        response_types_supported: [
          'code',
          'id_token',
          'token id_token',
          'code id_token',
          'code token',
          'code token id_token',
        ],
        response_modes_supported: ['pi.flow', 'query', 'fragment', 'form_post'],
        grant_types_supported: [
          'authorization_code',
          'implicit',
          'client_credentials',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        userinfo_signing_alg_values_supported: ['none'],
        // PingOne's recording says ['none']; Tessera verifies signed objects only (docs/signon.md).
        request_object_signing_alg_values_supported: [
          ...REQUEST_OBJECT_HMAC_ALGORITHMS,
          ...REQUEST_OBJECT_KEY_ALGORITHMS,
        ],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'client_secret_jwt',
          'private_key_jwt',
          'none',
        ],
        claim_types_supported: ['normal'],
        claims_supported: [
          'sub',
          'iss',
          'auth_time',
          'acr',
          'name',
          'given_name',
          'family_name',
          'middle_name',
          'preferred_username',
          'profile',
          'picture',
          'zoneinfo',
          'phone_number',
          'updated_at',
          'address',
          'email',
          'locale',
        ],
        code_challenge_methods_supported: ['plain', 'S256'],
      });
    },
  );
}
