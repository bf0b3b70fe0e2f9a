import { Type } from '@sinclair/typebox';
import { iso } from '../../core/shared/clock.js';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { IdRef, LinksSchema, responses } from '../shared/schemas.js';

const tags = ['Organizations'];
const OrganizationParams = Type.Object({ organizationID: Type.String() });
const LicenseParams = Type.Object({ organizationID: Type.String(), licenseID: Type.String() });

const OrganizationSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  createdAt: Type.String(),
});
const LicenseSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  name: Type.String(),
  organization: IdRef,
  package: Type.String(),
  status: Type.String(),
});

/**
 * The targets of an environment's `organization` and `license` links (issue 12: every emitted
 * rel resolves). Read-only and minimal: a Tessera organization is its id and name, and every
 * environment runs under one unlimited, always active license.
 */
export function organizationsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  app.get(
    '/organizations/:organizationID',
    {
      schema: {
        tags,
        summary: "Read the caller's organization",
        params: OrganizationParams,
        response: responses({ 200: OrganizationSchema }),
      },
    },
    async (request) => {
      const organization = await services.environments.organization(
        actorOf(request),
        request.params.organizationID,
      );
      return {
        _links: { self: hal.link(`/organizations/${organization.id}`) },
        id: organization.id,
        name: organization.name,
        type: 'INTERNAL',
        createdAt: iso(organization.createdAt),
      };
    },
  );

  app.get(
    '/organizations/:organizationID/licenses/:licenseID',
    {
      schema: {
        tags,
        summary: 'Read a license of the organization',
        params: LicenseParams,
        response: responses({ 200: LicenseSchema }),
      },
    },
    async (request) => {
      const { organizationID, licenseID } = request.params;
      const license = await services.environments.license(actorOf(request), organizationID, licenseID);
      return {
        _links: {
          self: hal.link(`/organizations/${license.organizationId}/licenses/${license.id}`),
          organization: hal.link(`/organizations/${license.organizationId}`),
        },
        id: license.id,
        name: 'Tessera',
        organization: { id: license.organizationId },
        package: 'TESSERA',
        status: 'ACTIVE',
      };
    },
  );
}
