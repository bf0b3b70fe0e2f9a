import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  WalletAppBody,
  WalletAppSchema,
  walletAppWire,
  WalletBody,
  WalletSchema,
  WalletUpdateBody,
  walletWire,
} from './wallets.wire.js';

const tags = ['Digital Wallets'];
const AppParams = Type.Object({ envID: Type.String(), appID: Type.String() });
const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const WalletParams = Type.Object({ envID: Type.String(), userID: Type.String(), walletID: Type.String() });

export function walletsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wallets = services.wallets;
  const appInput = (body: {
    name: string;
    appOpenUrl: string;
    application: { id: string };
    usesPingOneWalletSDK?: boolean;
  }) => ({
    name: body.name,
    appOpenUrl: body.appOpenUrl,
    applicationId: body.application.id,
    usesPingOneWalletSDK: body.usesPingOneWalletSDK,
  });

  app.get(
    '/environments/:envID/digitalWalletApplications',
    {
      schema: {
        tags,
        params: EnvParams,
        response: responses({ 200: collectionSchema('digitalWalletApplications', WalletAppSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await wallets.listApps(actorOf(request), envID);
      return collection(
        hal,
        hal.env(envID, '/digitalWalletApplications'),
        {},
        'digitalWalletApplications',
        { items },
        (a) => walletAppWire(hal, a),
      );
    },
  );

  app.post(
    '/environments/:envID/digitalWalletApplications',
    {
      schema: { tags, params: EnvParams, body: WalletAppBody, response: responses({ 201: WalletAppSchema }) },
    },
    async (request, reply) => {
      const body = walletAppWire(
        hal,
        await wallets.saveApp(actorOf(request), request.params.envID, undefined, appInput(request.body)),
      );
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/digitalWalletApplications/:appID',
    { schema: { tags, params: AppParams, response: responses({ 200: WalletAppSchema }) } },
    async (request) =>
      walletAppWire(hal, await wallets.getApp(actorOf(request), request.params.envID, request.params.appID)),
  );

  app.put(
    '/environments/:envID/digitalWalletApplications/:appID',
    {
      schema: { tags, params: AppParams, body: WalletAppBody, response: responses({ 200: WalletAppSchema }) },
    },
    async (request) =>
      walletAppWire(
        hal,
        await wallets.saveApp(
          actorOf(request),
          request.params.envID,
          request.params.appID,
          appInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID/digitalWalletApplications/:appID',
    { schema: { tags, params: AppParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await wallets.deleteApp(actorOf(request), request.params.envID, request.params.appID);
      return reply.status(204).send();
    },
  );

  app.get(
    '/environments/:envID/users/:userID/digitalWallets',
    {
      schema: {
        tags,
        params: UserParams,
        response: responses({ 200: collectionSchema('digitalWallets', WalletSchema) }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      const items = await wallets.list(actorOf(request), envID, userID);
      return collection(
        hal,
        hal.env(envID, `/users/${userID}/digitalWallets`),
        {},
        'digitalWallets',
        { items },
        (w) => walletWire(hal, w),
      );
    },
  );

  app.post(
    '/environments/:envID/users/:userID/digitalWallets',
    { schema: { tags, params: UserParams, body: WalletBody, response: responses({ 201: WalletSchema }) } },
    async (request, reply) => {
      const { envID, userID } = request.params;
      const wallet = await wallets.create(actorOf(request), envID, userID, {
        walletApplicationId: request.body.digitalWalletApplication.id,
        applicationInstanceId: request.body.applicationInstance?.id,
        notification: request.body.notification
          ? {
              methods: request.body.notification.methods ?? ['EMAIL'],
              template: request.body.notification.template,
            }
          : undefined,
      });
      const body = walletWire(hal, wallet);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/users/:userID/digitalWallets/:walletID',
    { schema: { tags, params: WalletParams, response: responses({ 200: WalletSchema }) } },
    async (request) => {
      const { envID, userID, walletID } = request.params;
      return walletWire(hal, await wallets.get(actorOf(request), envID, userID, walletID));
    },
  );

  app.put(
    '/environments/:envID/users/:userID/digitalWallets/:walletID',
    {
      schema: {
        tags,
        params: WalletParams,
        body: WalletUpdateBody,
        response: responses({ 200: WalletSchema }),
      },
    },
    async (request) => {
      const { envID, userID, walletID } = request.params;
      return walletWire(
        hal,
        await wallets.completePairing(
          actorOf(request),
          envID,
          userID,
          walletID,
          request.body.applicationInstance?.id,
        ),
      );
    },
  );

  app.delete(
    '/environments/:envID/users/:userID/digitalWallets/:walletID',
    { schema: { tags, params: WalletParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, userID, walletID } = request.params;
      await wallets.delete(actorOf(request), envID, userID, walletID);
      return reply.status(204).send();
    },
  );
}
