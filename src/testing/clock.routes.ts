import { Type } from '@sinclair/typebox';
import { iso } from '../core/shared/clock.js';
import type { ClockState } from '../core/test-mode/test-mode.service.js';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema } from '../pingone-common/errors.js';
import { invalidValue } from '../core/shared/errors.js';
import { requireTestMode } from './test-mode.js';

const ClockSchema = Type.Object({
  now: Type.String({ format: 'date-time', description: "Tessera's current time" }),
  offsetSeconds: Type.Number({ description: 'How far Tessera runs ahead of (or behind) real time' }),
});

const MoveSchema = Type.Object(
  {
    advanceSeconds: Type.Optional(Type.Number({ description: 'Moves the clock by this many seconds' })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'Moves the clock to this instant' })),
  },
  { additionalProperties: false },
);

const wire = (state: ClockState) => ({ now: iso(state.now), offsetSeconds: state.offsetMs / 1000 });

/**
 * The test-mode clock: `GET` shows it, `POST {advanceSeconds}` or `POST {at}` moves it for the
 * whole instance (one offset for every environment) and runs the scheduler once at the new time.
 */
export async function clockRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  const responses = { 200: ClockSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };

  app.get(
    '/tessera/testing/clock',
    { schema: { tags: ['Tessera testing'], response: responses } },
    async (request) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      return wire(requireTestMode(services).clockState(actor));
    },
  );

  app.post(
    '/tessera/testing/clock',
    { schema: { tags: ['Tessera testing'], body: MoveSchema, response: responses } },
    async (request) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      const { advanceSeconds, at } = request.body;
      if ((advanceSeconds === undefined) === (at === undefined))
        throw invalidValue('advanceSeconds', 'give exactly one of advanceSeconds or at');
      const move = advanceSeconds !== undefined ? { advanceSeconds } : { at: Date.parse(at ?? '') };
      return wire(await requireTestMode(services).moveClock(actor, move));
    },
  );
}
