/** Delivery methods as the credentials API names them (`notification.methods`). */
export type NotificationMethod = 'EMAIL' | 'SMS';
/** Delivery methods as template contents name them (`deliveryMethod`). */
export type ContentMethod = 'Email' | 'SMS';

export const contentMethodOf = (method: NotificationMethod): ContentMethod =>
  method === 'EMAIL' ? 'Email' : 'SMS';

export interface Address {
  readonly name?: string | undefined;
  readonly address: string;
}

export interface EmailContentFields {
  readonly subject?: string | undefined;
  readonly body: string;
  readonly from?: Address | undefined;
  readonly replyTo?: Address | undefined;
  readonly charset?: string | undefined;
  readonly emailContentType?: string | undefined;
}

export interface SmsContentFields {
  readonly content: string;
  readonly sender?: string | undefined;
}

/** One content of a template: a delivery method, a locale and optionally a variant. */
export interface TemplateContent {
  readonly id: string;
  readonly environmentId: string;
  readonly template: string;
  readonly deliveryMethod: ContentMethod;
  /** Normalised: lower case, `-` between language and region (`en-gb`). */
  readonly locale: string;
  /** '' for the content without a variant. */
  readonly variant: string;
  /** Predefined content served from code: it cannot be changed or deleted. */
  readonly isDefault: boolean;
  readonly email?: EmailContentFields | undefined;
  readonly sms?: SmsContentFields | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TemplateContentInput {
  readonly deliveryMethod: ContentMethod;
  readonly locale: string;
  readonly variant?: string | undefined;
  readonly email?: EmailContentFields | undefined;
  readonly sms?: SmsContentFields | undefined;
}

/** What an outbox row carries: the rendered message, ready for its transport. */
export type OutboxMessage =
  | {
      readonly kind: 'EMAIL';
      readonly subject: string;
      readonly body: string;
      readonly contentType: string;
      readonly charset: string;
      readonly from?: Address | undefined;
      readonly replyTo?: Address | undefined;
      /** The one-time code the message carries (recovery, verification), for the test mailbox. */
      readonly code?: string | undefined;
    }
  | {
      readonly kind: 'SMS';
      readonly content: string;
      readonly sender?: string | undefined;
      readonly code?: string | undefined;
    };

export type OutboxStatus = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED';

export interface OutboxEntry {
  readonly id: string;
  readonly environmentId: string;
  readonly userId: string | undefined;
  readonly template: string;
  readonly deliveryMethod: NotificationMethod;
  readonly recipient: string;
  readonly locale: string;
  readonly variant: string | undefined;
  readonly message: OutboxMessage;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | undefined;
  readonly transport: string | undefined;
  readonly createdAt: number;
  readonly sentAt: number | undefined;
}

/** Per-method outcome of `enqueue`, in the shape of PingOne's `notification.results[]`. */
export interface NotificationResult {
  readonly method: NotificationMethod;
  /** True when the message was accepted into the outbox (delivery itself is asynchronous). */
  readonly sent: boolean;
  readonly notification?: { readonly id: string } | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

export interface EmailDeliverySettings {
  readonly environmentId: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly from: Address | undefined;
  readonly replyTo: Address | undefined;
  /** Tessera extension: overrides the protocol PingOne derives from the port. */
  readonly protocolOverride: SmtpProtocol | undefined;
  readonly updatedAt: number;
}

export type SmtpProtocol = 'SMTP' | 'SMTPS';

/** PingOne's rule: ports 25, 587 and 2525 speak SMTP with STARTTLS, every other port SMTPS. */
export const derivedProtocol = (port: number): SmtpProtocol =>
  [25, 587, 2525].includes(port) ? 'SMTP' : 'SMTPS';

export interface CustomProviderRequest {
  readonly deliveryMethod: 'SMS' | 'VOICE';
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | undefined;
  readonly phoneNumberFormat?: 'FULL' | 'NUMBER_ONLY' | undefined;
  readonly beforeTag?: string | undefined;
  readonly afterTag?: string | undefined;
}

export interface PhoneDeliverySettings {
  readonly id: string;
  readonly environmentId: string;
  readonly provider: 'CUSTOM_PROVIDER';
  readonly name: string | undefined;
  readonly authentication:
    { readonly method: 'BASIC'; readonly username: string } | { readonly method: 'BEARER' } | undefined;
  readonly requests: readonly CustomProviderRequest[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Secrets of a phone provider, sealed at rest and never returned. */
export interface PhoneProviderSecrets {
  readonly password?: string | undefined;
  readonly authToken?: string | undefined;
}

export interface NotificationsSettings {
  readonly environmentId: string;
  readonly deliveryMode: string;
  readonly from: Address | undefined;
  readonly replyTo: Address | undefined;
  readonly smsProvidersFallbackChain: readonly string[];
  readonly updatedAt: number | undefined;
}
