/** What a subscription forwards: action types (required), and optionally only some apps/populations. */
export interface SubscriptionFilter {
  readonly includedActionTypes: readonly string[];
  readonly includedApplications?: readonly string[] | undefined;
  readonly includedPopulations?: readonly string[] | undefined;
  readonly includedTags?: readonly string[] | undefined;
}

export type SubscriptionFormat = 'ACTIVITY' | 'SPLUNK' | 'NEWRELIC';

/** The outcome of the latest delivery attempt (a Tessera extension, shown on GET). */
export interface DeliveryState {
  readonly lastAttemptAt?: number | undefined;
  /** `SUCCESS` or `FAILED` (the receiver did not answer 200, or could not be reached). */
  readonly lastStatus?: 'SUCCESS' | 'FAILED' | undefined;
  readonly lastError?: string | undefined;
  readonly lastSuccessAt?: number | undefined;
  /** Consecutive failed attempts; 0 after a success. */
  readonly failedAttempts: number;
  /** When the next attempt is due while deliveries are pending. */
  readonly nextAttemptAt: number;
  /** Activities accepted for this subscription and not yet delivered. */
  readonly pending: number;
}

export interface Subscription {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly format: SubscriptionFormat;
  readonly url: string;
  /** Header names and values, opened from the sealed column (never shown in full on the API). */
  readonly headers: Readonly<Record<string, string>>;
  readonly verifyTlsCertificates: boolean;
  readonly filter: SubscriptionFilter;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly delivery: DeliveryState;
}

export interface SubscriptionInput {
  readonly name: string;
  readonly enabled: boolean;
  readonly format: SubscriptionFormat;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly verifyTlsCertificates: boolean;
  readonly filter: SubscriptionFilter;
}

/** PingOne's limits: 50 subscriptions per environment, 10 applications / populations per filter. */
export const SUBSCRIPTION_LIMITS = { perEnvironment: 50, filterIds: 10 } as const;

/** The value shown instead of a header value on reads (see docs/webhooks.md). */
export const MASKED_HEADER_VALUE = '********';
