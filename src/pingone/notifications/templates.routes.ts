import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  ContentBody,
  ContentSchema,
  contentWire,
  TemplateSchema,
  templateWire,
  toContentInput,
} from './templates.wire.js';

const tags = ['Notification Templates'];
const TemplateParams = Type.Object({ envID: Type.String(), templateName: Type.String() });
const ContentParams = Type.Object({
  envID: Type.String(),
  templateName: Type.String(),
  contentID: Type.String(),
});

export function templatesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const notifications = services.notifications;

  app.get(
    '/environments/:envID/templates',
    {
      schema: {
        tags,
        params: EnvParams,
        response: responses({ 200: collectionSchema('templates', TemplateSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await notifications.listTemplates(actorOf(request), envID);
      return collection(hal, hal.env(envID, '/templates'), {}, 'templates', { items }, (t) =>
        templateWire(hal, envID, t),
      );
    },
  );

  app.get(
    '/environments/:envID/templates/:templateName',
    { schema: { tags, params: TemplateParams, response: responses({ 200: TemplateSchema }) } },
    async (request) => {
      const { envID, templateName } = request.params;
      return templateWire(hal, envID, await notifications.getTemplate(actorOf(request), envID, templateName));
    },
  );

  app.get(
    '/environments/:envID/templates/:templateName/contents',
    {
      schema: {
        tags,
        params: TemplateParams,
        response: responses({ 200: collectionSchema('contents', ContentSchema) }),
      },
    },
    async (request) => {
      const { envID, templateName } = request.params;
      const items = await notifications.listContents(actorOf(request), envID, templateName);
      return collection(
        hal,
        hal.env(envID, `/templates/${templateName}/contents`),
        {},
        'contents',
        { items },
        (c) => contentWire(hal, c),
      );
    },
  );

  app.post(
    '/environments/:envID/templates/:templateName/contents',
    {
      schema: {
        tags,
        params: TemplateParams,
        body: ContentBody,
        response: responses({ 201: ContentSchema }),
      },
    },
    async (request, reply) => {
      const { envID, templateName } = request.params;
      const body = contentWire(
        hal,
        await notifications.createContent(
          actorOf(request),
          envID,
          templateName,
          toContentInput(request.body),
        ),
      );
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/templates/:templateName/contents/:contentID',
    { schema: { tags, params: ContentParams, response: responses({ 200: ContentSchema }) } },
    async (request) => {
      const { envID, templateName, contentID } = request.params;
      return contentWire(
        hal,
        await notifications.getContent(actorOf(request), envID, templateName, contentID),
      );
    },
  );

  app.put(
    '/environments/:envID/templates/:templateName/contents/:contentID',
    {
      schema: { tags, params: ContentParams, body: ContentBody, response: responses({ 200: ContentSchema }) },
    },
    async (request) => {
      const { envID, templateName, contentID } = request.params;
      return contentWire(
        hal,
        await notifications.replaceContent(
          actorOf(request),
          envID,
          templateName,
          contentID,
          toContentInput(request.body),
        ),
      );
    },
  );

  app.delete(
    '/environments/:envID/templates/:templateName/contents/:contentID',
    { schema: { tags, params: ContentParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, templateName, contentID } = request.params;
      await notifications.deleteContent(actorOf(request), envID, templateName, contentID);
      return reply.status(204).send();
    },
  );
}
