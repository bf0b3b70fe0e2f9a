/**
 * The Flows API JSON the hosted page renders (reference pingone-signon.md §4.3, §4.6). These are
 * the wire shapes as a client of `GET/POST {authPath}/{envID}/flows/{flowID}` sees them, so the
 * page can be driven by the flow service's output without knowing the core's types.
 */

/** Statuses the page has a screen for; any other status string renders a "cannot continue" page. */
export const FLOW_STATUSES = [
  'USERNAME_PASSWORD_REQUIRED',
  'PASSWORD_REQUIRED',
  'MUST_CHANGE_PASSWORD',
  'PASSWORD_EXPIRED',
  'RECOVERY_CODE_REQUIRED',
  'VERIFICATION_CODE_REQUIRED',
  'COMPLETED',
  'FAILED',
] as const;
export type KnownFlowStatus = (typeof FLOW_STATUSES)[number];
// `string & {}` keeps editor completion for the known values while allowing PingOne's others (MFA…).
export type FlowStatus = KnownFlowStatus | (string & {});

export interface FlowLink {
  readonly href: string;
}

/** The user's password policy, same shape as the PingOne password-policy resource. */
export interface FlowPasswordPolicy {
  readonly id?: string;
  readonly name?: string;
  readonly length?: { readonly min?: number; readonly max?: number };
  /** Character set (e.g. "0123456789") → how many of its characters a password needs. */
  readonly minCharacters?: Readonly<Record<string, number>>;
  readonly maxRepeatedCharacters?: number;
  readonly minUniqueCharacters?: number;
  readonly minComplexity?: number;
  readonly excludesCommonlyUsed?: boolean;
  readonly excludesProfileData?: boolean;
  readonly notSimilarToCurrent?: boolean;
  readonly history?: { readonly count?: number; readonly retentionDays?: number };
  readonly lockout?: { readonly failureCount?: number; readonly durationSeconds?: number };
  readonly maxAgeDays?: number;
  readonly minAgeDays?: number;
  readonly alphabetSequenceRule?: { readonly maxLength: number };
  readonly numberSequenceRule?: { readonly maxLength: number };
  readonly qwertySequenceRule?: { readonly maxLength: number };
  readonly shiftedNumberRowSequenceRule?: { readonly maxLength: number };
}

export interface FlowJson {
  readonly id: string;
  readonly status: FlowStatus;
  /** Action rels (`usernamePassword.check`, `password.forgot`, …) → the flow URL; `self` too. */
  readonly _links: Readonly<Record<string, FlowLink>>;
  readonly _embedded?: {
    readonly passwordPolicy?: FlowPasswordPolicy;
    readonly user?: { readonly id: string; readonly username?: string };
    readonly socialProviders?: readonly unknown[];
  };
  /** Where the browser goes after COMPLETED or FAILED (`…/as/resume?flowId=…`). */
  readonly resumeUrl?: string;
  readonly application?: {
    readonly id: string;
    readonly name?: string;
    readonly icon?: { readonly id?: string; readonly href?: string };
  };
  readonly createdAt?: string;
  readonly expiresAt?: string;
}

export interface PingOneErrorDetail {
  readonly code: string;
  readonly target?: string;
  readonly message: string;
  readonly innerError?: Readonly<Record<string, unknown>>;
}

/** PingOne's platform error body `{id, code, message, details[]}`, as a flow action returns it. */
export interface PingOneErrorEnvelope {
  readonly id?: string;
  readonly code: string;
  readonly message: string;
  readonly details?: readonly PingOneErrorDetail[];
}

/**
 * The actions the page's forms can post, named as the Flows API names them: the media type is
 * `application/vnd.pingidentity.<action>+json` (see `flowActionMediaType`).
 */
export const PAGE_ACTIONS = [
  'usernamePassword.check',
  'password.reset',
  'password.forgot',
  'password.sendRecoveryCode',
  'password.recover',
  'user.register',
  'user.verify',
  'user.sendVerificationCode',
  'session.reset',
] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];

export function flowActionMediaType(action: PageAction): string {
  return `application/vnd.pingidentity.${action}+json`;
}

/** True when the flow currently offers `action` (its rel is in `_links`). */
export function offers(flow: FlowJson, action: string): boolean {
  return Object.hasOwn(flow._links, action);
}
