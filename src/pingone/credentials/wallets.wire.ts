import { Type, type Static } from '@sinclair/typebox';
import type { DigitalWallet, WalletApplication } from '../../core/credentials/wallet.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Open = { additionalProperties: true } as const;

export const WalletAppBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    appOpenUrl: Type.String({ minLength: 1, format: 'uri' }),
    application: Type.Object({ id: Type.String({ minLength: 1 }) }, Open),
    usesPingOneWalletSDK: Type.Optional(Type.Boolean()),
  },
  Open,
);

export const WalletAppSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  application: IdRef,
  name: Type.String(),
  appOpenUrl: Type.String(),
  usesPingOneWalletSDK: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export function walletAppWire(hal: Hal, a: WalletApplication): Static<typeof WalletAppSchema> {
  return {
    _links: {
      self: hal.link(hal.env(a.environmentId, `/digitalWalletApplications/${a.id}`)),
      environment: hal.link(hal.env(a.environmentId)),
      application: hal.link(hal.env(a.environmentId, `/applications/${a.applicationId}`)),
    },
    id: a.id,
    environment: { id: a.environmentId },
    application: { id: a.applicationId },
    name: a.name,
    appOpenUrl: a.appOpenUrl,
    usesPingOneWalletSDK: a.usesPingOneWalletSDK,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

export const WalletBody = Type.Object(
  {
    digitalWalletApplication: Type.Object({ id: Type.String({ minLength: 1 }) }, Open),
    applicationInstance: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }) }, Open)),
    notification: Type.Optional(
      Type.Object(
        {
          methods: Type.Optional(Type.Array(Type.Union([Type.Literal('EMAIL'), Type.Literal('SMS')]))),
          template: Type.Optional(
            Type.Object(
              { locale: Type.Optional(Type.String()), variant: Type.Optional(Type.String()) },
              Open,
            ),
          ),
        },
        Open,
      ),
    ),
  },
  Open,
);

/** Tessera's pairing completion: PUT with the application instance the wallet app registered. */
export const WalletUpdateBody = Type.Object(
  { applicationInstance: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }) }, Open)) },
  Open,
);

export const WalletSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  user: IdRef,
  digitalWalletApplication: IdRef,
  applicationInstance: Type.Optional(IdRef),
  status: Type.String(),
  pairingSession: Type.Optional(
    Type.Object({
      id: Type.String(),
      createdAt: Type.String(),
      updatedAt: Type.String(),
      environment: IdRef,
      user: IdRef,
      digitalWallet: IdRef,
      challenge: Type.String(),
      qrUrl: Type.String(),
      status: Type.String(),
    }),
  ),
  notification: Type.Optional(
    Type.Object({
      methods: Type.Array(Type.String()),
      template: Type.Optional(
        Type.Object({ locale: Type.Optional(Type.String()), variant: Type.Optional(Type.String()) }),
      ),
    }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export function walletWire(hal: Hal, w: DigitalWallet): Static<typeof WalletSchema> {
  const s = w.pairingSession;
  return {
    _links: {
      self: hal.link(hal.env(w.environmentId, `/users/${w.userId}/digitalWallets/${w.id}`)),
      environment: hal.link(hal.env(w.environmentId)),
      user: hal.link(hal.env(w.environmentId, `/users/${w.userId}`)),
      digitalWalletApplication: hal.link(
        hal.env(w.environmentId, `/digitalWalletApplications/${w.walletApplicationId}`),
      ),
      ...(s && s.status === 'INITIAL' ? { appOpen: { href: s.qrUrl }, qrUrl: { href: s.qrUrl } } : {}),
    },
    id: w.id,
    environment: { id: w.environmentId },
    user: { id: w.userId },
    digitalWalletApplication: { id: w.walletApplicationId },
    ...(w.applicationInstanceId ? { applicationInstance: { id: w.applicationInstanceId } } : {}),
    status: w.status,
    ...(s
      ? {
          pairingSession: {
            id: s.id,
            createdAt: iso(s.createdAt),
            updatedAt: iso(s.updatedAt),
            environment: { id: w.environmentId },
            user: { id: w.userId },
            digitalWallet: { id: w.id },
            challenge: s.challenge,
            qrUrl: s.qrUrl,
            status: s.status,
          },
        }
      : {}),
    ...(w.notification
      ? {
          notification: {
            methods: [...w.notification.methods],
            ...(w.notification.template ? { template: w.notification.template } : {}),
          },
        }
      : {}),
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}
