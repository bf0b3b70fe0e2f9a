import { Type } from '@sinclair/typebox';
import { iso } from '../core/shared/clock.js';
import type { ClockState } from '../core/test-mode/test-mode.service.js';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema } from '../pingone-common/errors.js';
import { invalidValue } from '../core/shared/errors.js';
import { requireTestMode } from './test-mode.js';

const ClockSchema = Type.Object({
  now: Type.String({
    format: 'date-time',
    description: "Tessera's current time (for the environment, when named)",
  }),
  offsetSeconds: Type.Number({
    description:
      'How far that time runs ahead of (or behind) real time: the instance offset, plus the environment offset when an environment is named',
  }),
  environmentOffsetSeconds: Type.Optional(
    Type.Number({ description: "With ?environment: the environment's own offset, on top of the instance's" }),
  ),
});

const MoveSchema = Type.Object(
  {
    advanceSeconds: Type.Optional(Type.Number({ description: 'Moves the clock by this many seconds' })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'Moves the clock to this instant' })),
  },
  { additionalProperties: false },
);

const ClockQuery = Type.Object({
  environment: Type.Optional(
    Type.String({ description: "An environment id: its own clock only (else the whole instance's)" }),
  ),
});

const wire = (state: ClockState) => ({
  now: iso(state.now),
  offsetSeconds: state.offsetMs / 1000,
  ...(state.environmentOffsetMs !== undefined
    ? { environmentOffsetSeconds: state.environmentOffsetMs / 1000 }
    : {}),
});

/**
 * The test-mode clock: `GET` shows it, `POST {advanceSeconds}` or `POST {at}` moves it and runs
 * the scheduler once at the new time. Without `?environment=ID` the instance's clock moves (every
 * environment); with it only that environment's (its offset adds to the instance's).
 */
export async function clockRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  const responses = {
    200: ClockSchema,
    400: ErrorSchema,
    401: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
  };

  app.get(
    '/tessera/testing/clock',
    {
      schema: {
        tags: ['Tessera testing'],
        operationId: 'getTestClock',
        summary: "Show Tessera's clock and its offset (of the instance, or of one environment)",
        querystring: ClockQuery,
        response: responses,
      },
    },
    async (request) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      return wire(await requireTestMode(services).clockState(actor, request.query.environment));
    },
  );

  app.post(
    '/tessera/testing/clock',
    {
      schema: {
        tags: ['Tessera testing'],
        operationId: 'moveTestClock',
        summary: "Move Tessera's clock (of the instance, or of one environment) and run due work",
        querystring: ClockQuery,
        body: MoveSchema,
        response: responses,
      },
    },
    async (request) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      const { advanceSeconds, at } = request.body;
      if ((advanceSeconds === undefined) === (at === undefined))
        throw invalidValue('advanceSeconds', 'give exactly one of advanceSeconds or at');
      const move = advanceSeconds !== undefined ? { advanceSeconds } : { at: Date.parse(at ?? '') };
      return wire(await requireTestMode(services).moveClock(actor, move, request.query.environment));
    },
  );
}
