import type { Actor } from '../access/actor.js';

/** A resource an activity is about (`resources[]`): its type, id, name and where it lives. */
export interface ActivityResource {
  /** The resource type, e.g. `USER`, `GROUP`, `MEMBER_OF_GROUP`, `APPLICATION`, `SCHEMA`. */
  readonly type: string;
  readonly id: string;
  readonly name?: string | undefined;
  /** For user resources (and what lives in a population): the user's population. */
  readonly populationId?: string | undefined;
}

/** Who acted: the calling application (`client`) and/or a signed-in user. Absent: the system. */
export interface ActivityActors {
  readonly client?:
    { readonly id: string; readonly name?: string | undefined; readonly environmentId: string } | undefined;
  readonly user?:
    | {
        readonly id: string;
        readonly name?: string | undefined;
        readonly environmentId: string;
        readonly populationId?: string | undefined;
      }
    | undefined;
}

export type ActivityStatus = 'SUCCESS' | 'FAILED';

/** One audit record, in the shape the reference gives for `/activities` and webhooks. */
export interface Activity {
  readonly id: string;
  readonly environmentId: string;
  readonly recordedAt: number;
  readonly createdAt: number;
  readonly correlationId?: string | undefined;
  readonly actors: ActivityActors;
  readonly action: { readonly type: string; readonly description: string };
  readonly resources: readonly ActivityResource[];
  readonly result: { readonly status: ActivityStatus; readonly description: string };
  readonly tags?: readonly string[] | undefined;
}

/**
 * What a service reports when it changes something. Never put a secret, a password or a hash in
 * any field: only ids, names and a description of what happened.
 */
export interface ActivityInput {
  readonly environmentId: string;
  /** `ENTITY.VERB` from the reference's list, e.g. `USER.UPDATED`. */
  readonly type: string;
  /** The caller (its correlation id is taken from it), explicit actors, or undefined (system). */
  readonly actor?: Actor | ActivityActors | undefined;
  /** Overrides the actor's correlation id (e.g. sign-on calls, which have no actor). */
  readonly correlationId?: string | undefined;
  readonly resources: readonly ActivityResource[];
  readonly status?: ActivityStatus | undefined;
  /** Defaults to "<Verb> <Entity> <name>", e.g. "Created User jdoe". */
  readonly description?: string | undefined;
}

const titleWords = (text: string): string =>
  text
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

/** The texts of an action type, worked out once per type (every audited write needs them). */
interface TypeTexts {
  /** `MEMBER_OF_GROUP.CREATED` -> `Member Of Group Created`. */
  readonly action: string;
  /** What a result description starts with: `Created User`, or `User Locked:` for other verbs. */
  readonly result: string;
  /** True for the verbs written `Created User` (with nothing about a resource, no colon). */
  readonly verbFirst: boolean;
}

/** Types are the code's own constants, so this stays small; the bound is a safeguard. */
const TYPE_TEXTS_KEPT = 256;
const typeTexts = new Map<string, TypeTexts>();

function textsOf(type: string): TypeTexts {
  let texts = typeTexts.get(type);
  if (texts) return texts;
  const action = type.split('.').map(titleWords).join(' ');
  const [entity = '', verb = ''] = type.split('.');
  const verbFirst = ['CREATED', 'UPDATED', 'DELETED'].includes(verb);
  texts = { action, result: verbFirst ? `${titleWords(verb)} ${titleWords(entity)}` : action, verbFirst };
  if (typeTexts.size < TYPE_TEXTS_KEPT) typeTexts.set(type, texts);
  return texts;
}

/** `MEMBER_OF_GROUP.CREATED` -> `Member Of Group Created` (the reference's Title Case). */
export function actionDescription(type: string): string {
  return textsOf(type).action;
}

/** `USER.CREATED` about jdoe -> `Created User jdoe`; other verbs read `User Locked: jdoe`. */
export function defaultResultDescription(type: string, resource: ActivityResource | undefined): string {
  const { result, verbFirst } = textsOf(type);
  if (!resource) return result;
  const name = resource.name ?? resource.id;
  return verbFirst ? `${result} ${name}` : `${result}: ${name}`;
}

const isActor = (value: Actor | ActivityActors): value is Actor => 'kind' in value;

/**
 * The activity's `actors` for a caller: an application token is a CLIENT actor; a user's token is
 * a USER actor plus the application it was issued to as the CLIENT.
 */
export function actorsOf(actor: Actor | ActivityActors | undefined): ActivityActors {
  if (actor === undefined) return {};
  if (!isActor(actor)) return actor;
  if (actor.kind === 'user')
    return {
      user: {
        id: actor.id,
        name: actor.name,
        environmentId: actor.environmentId,
        populationId: actor.populationId,
      },
      ...(actor.applicationId !== undefined
        ? { client: { id: actor.applicationId, environmentId: actor.environmentId } }
        : {}),
    };
  return { client: { id: actor.id, name: actor.name, environmentId: actor.environmentId } };
}

export function correlationOf(input: ActivityInput): string | undefined {
  if (input.correlationId !== undefined) return input.correlationId;
  return input.actor && isActor(input.actor) ? input.actor.correlationId : undefined;
}

/** The JSON document of an activity (webhook payloads; faces add their links). */
export function activityDocument(activity: Activity) {
  const { client, user } = activity.actors;
  return {
    id: activity.id,
    recordedAt: new Date(activity.recordedAt).toISOString(),
    createdAt: new Date(activity.createdAt).toISOString(),
    ...(activity.correlationId !== undefined ? { correlationId: activity.correlationId } : {}),
    actors: {
      ...(client
        ? {
            client: {
              id: client.id,
              ...(client.name !== undefined ? { name: client.name } : {}),
              environment: { id: client.environmentId },
              type: 'CLIENT',
            },
          }
        : {}),
      ...(user
        ? {
            user: {
              id: user.id,
              ...(user.name !== undefined ? { name: user.name } : {}),
              environment: { id: user.environmentId },
              population: user.populationId !== undefined ? { id: user.populationId } : {},
              type: 'USER',
            },
          }
        : {}),
    },
    action: activity.action,
    resources: activity.resources.map((r) => ({
      type: r.type,
      id: r.id,
      ...(r.name !== undefined ? { name: r.name } : {}),
      environment: { id: activity.environmentId },
      ...(r.populationId !== undefined ? { population: { id: r.populationId } } : {}),
    })),
    result: activity.result,
    ...(activity.tags && activity.tags.length > 0 ? { tags: [...activity.tags] } : {}),
  };
}

export type ActivityDocument = ReturnType<typeof activityDocument>;
