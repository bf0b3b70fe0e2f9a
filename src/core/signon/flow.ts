/**
 * The sign-on engine's shared vocabulary (reference pingone-signon.md §3–§4, §7): the
 * authorization request a flow completes, the flow itself, its actions, and the SSO session.
 * Face-neutral: the Flows API, the hosted page and the authorization server all speak these types.
 */

export type ResponseTypePart = 'code' | 'token' | 'id_token';
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'pi.flow';

/** An authorize request after the authorization server validated it against its application. */
export interface AuthorizationRequest {
  readonly clientId: string;
  /** Absent only with `response_mode=pi.flow` and no `redirect_uri` sent. */
  readonly redirectUri: string | undefined;
  /** The response_type's parts, e.g. `['code']`, `['code', 'id_token']`. */
  readonly responseType: readonly ResponseTypePart[];
  readonly responseMode: ResponseMode;
  readonly scopes: readonly string[];
  readonly state?: string | undefined;
  readonly nonce?: string | undefined;
  readonly codeChallenge?: string | undefined;
  readonly codeChallengeMethod?: 'S256' | 'plain' | undefined;
  readonly prompt?: 'login' | 'none' | undefined;
  /** Seconds (OIDC `max_age`). */
  readonly maxAge?: number | undefined;
  readonly loginHint?: string | undefined;
  /** Sign-on policy names, in preference order (OIDC `acr_values`). */
  readonly acrValues: readonly string[];
}

export type FlowStatus =
  | 'USERNAME_PASSWORD_REQUIRED'
  | 'PASSWORD_REQUIRED'
  | 'MUST_CHANGE_PASSWORD'
  | 'PASSWORD_EXPIRED'
  | 'RECOVERY_CODE_REQUIRED'
  | 'COMPLETED'
  | 'FAILED';

/** Why a flow ended FAILED; the authorization server returns it to the client as an OAuth error. */
export interface FlowFailure {
  readonly error: 'access_denied' | 'login_required' | 'interaction_required' | 'server_error';
  readonly description: string;
}

export interface Flow {
  readonly id: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly status: FlowStatus;
  readonly request: AuthorizationRequest;
  /** The sign-on policy the flow runs; its name becomes the tokens' `acr`. */
  readonly policy: {
    readonly id: string;
    readonly name: string;
    readonly recoveryEnabled: boolean;
    readonly registrationEnabled: boolean;
    /** Where `user.register` creates users (the environment's default population when absent). */
    readonly registrationPopulationId?: string | undefined;
  };
  /** The user bound to the flow (after a correct password, a forgot-password lookup or a session). */
  readonly userId: string | undefined;
  readonly username: string | undefined;
  /** The SSO session the flow completed with (present once COMPLETED). */
  readonly sessionId: string | undefined;
  /** Epoch ms of the user's last authentication (`auth_time`). */
  readonly authTime: number | undefined;
  /** RFC 8176 methods completed, e.g. `['pwd']`. */
  readonly amr: readonly string[];
  readonly failure: FlowFailure | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Sliding: 15 minutes after the last activity. */
  readonly expiresAt: number;
}

/** Flow actions, named as the Flows API media types name them (`application/vnd.pingidentity.<type>+json`). */
export type FlowAction =
  | { readonly type: 'usernamePassword.check'; readonly username: string; readonly password: string }
  | { readonly type: 'password.reset'; readonly currentPassword: string; readonly newPassword: string }
  | { readonly type: 'password.forgot'; readonly username: string }
  | { readonly type: 'password.sendRecoveryCode' }
  | { readonly type: 'password.recover'; readonly recoveryCode: string; readonly newPassword: string }
  | {
      readonly type: 'user.register';
      readonly username: string;
      readonly email: string;
      readonly password: string;
    }
  | { readonly type: 'session.reset' };

/** What the caller's request carries besides the action: the ST cookie and where it comes from. */
export interface SignOnContext {
  /** The `ST` cookie's session id, when the browser sent one. */
  readonly sessionId?: string | undefined;
  readonly remoteIp?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Aborts when the caller's connection closes: its queued password hashing is dropped. */
  readonly connection?: AbortSignal | undefined;
}

/** An SSO session (`ST` cookie), shared by every application of the environment (§7.1). */
export interface Session {
  readonly id: string;
  readonly environmentId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly activeAt: number;
  /** Epoch ms of the last sign-on with a password (`auth_time`). */
  readonly lastSignOnAt: number;
  readonly remoteIp: string | undefined;
  readonly userAgent: string | undefined;
  /** 30 days after the last sign-on. */
  readonly expiresAt: number;
}

/** A flow after a change, and the session the face must (re)set as the `ST` cookie, if any. */
export interface FlowResult {
  readonly flow: Flow;
  readonly session?: Session | undefined;
}

/**
 * The sign-on state machine (`services.flows`). Every password rule comes from the passwords
 * service; flows and sessions live in the store so any process can serve any step.
 */
export interface FlowsService {
  /**
   * Starts a flow for a validated authorization request. With a live session (context.sessionId)
   * that satisfies `prompt` and `max_age` the flow is COMPLETED at once; `prompt=none` without
   * one gives FAILED `login_required`.
   */
  start(input: {
    readonly environmentId: string;
    readonly applicationId: string;
    readonly request: AuthorizationRequest;
    readonly context: SignOnContext;
  }): Promise<FlowResult>;
  /** The flow; `not_found` when unknown or expired. */
  get(environmentId: string, flowId: string): Promise<Flow>;
  /** Runs one action; a wrong state is `invalid_request`, wrong credentials `invalid_data`. */
  act(environmentId: string, flowId: string, action: FlowAction, context: SignOnContext): Promise<FlowResult>;
  /** For `/as/resume`: the COMPLETED or FAILED flow, once; a second call is `not_found`. */
  consume(environmentId: string, flowId: string): Promise<Flow>;
}
