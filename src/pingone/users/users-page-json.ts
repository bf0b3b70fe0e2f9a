import { Type } from '@sinclair/typebox';
import { listedUserProfile, type ListedUser } from '../../core/users/users-list.repository.js';
import type { Hal } from '../../pingone-common/hal.js';
import { LinksSchema } from '../shared/schemas.js';
import { UserSchema, userFieldsWire, userLinks, userWire } from './users.wire.js';

type Serializer = (data: unknown) => string;

/**
 * The attributes a list writes apart from `_links` and the profile: `UserSchema` without
 * `_links`, with nothing else let through. The compiled serializer writes required properties
 * first, in schema order, then the optional ones, then (in `UserSchema`) every other attribute:
 * so `UserSchema`'s text of a user is `{"_links":…,` + this schema's text without its braces +
 * the profile's attributes (lists have no `memberOfGroup*` or `_embedded`).
 */
const NOT_FIELDS = new Set(['_links', 'memberOfGroupIDs', 'memberOfGroupNames', '_embedded']);
const UserFieldsSchema = Type.Object(
  Object.fromEntries(Object.entries(UserSchema.properties).filter(([name]) => !NOT_FIELDS.has(name))),
  { additionalProperties: false },
);

/** Strings a JSON serializer writes between quotes unchanged (no quote, backslash, control, surrogate). */
// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/**
 * A stored profile naming any `UserSchema` property (wherever in the text: a false alarm only
 * costs the slow path) is written by the schema serializer, which lets the declared one win.
 */
const NAMES_A_PROPERTY = new RegExp(
  `"(?:${Object.keys(UserSchema.properties)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})":`,
);

/**
 * The JSON of each user of a list page: byte for byte `UserSchema`'s serializer of
 * `userWire(hal, user, …)` (test/pingone/users-page-json.test.ts compares them, and each user
 * with its `GET`), at a fraction of the cost, since a 100-user page is 235 KB:
 * - the 12 `_links` (1.8 of a user's 2.3 KB) come from a template made once per page by the
 *   `_links` serializer itself, with the user and population ids filled in, when both are plain
 *   (a UUID always is) so the serializer would have written them unchanged;
 * - the profile's attributes are copied from the stored text (`ListedUser.storedProfile`, always
 *   `JSON.stringify` of the profile): the schema serializer writes each attribute it does not
 *   declare as its key through a JSON string escape equal to JSON.stringify's and its value by
 *   `JSON.stringify`, in the object's key order, which is the parsed profile's, which is the text's
 *   (JSON.stringify's order, integer keys first, survives a parse); a profile naming a declared
 *   property is left to the serializer;
 * - the other attributes go through the serializer of `UserSchema` without `_links`.
 * Anything else (another environment, ids that are not plain) takes the schema serializer.
 */
export function listedUserWriter(hal: Hal, compileSerializer: (schema: object) => Serializer) {
  const serializeUser = compileSerializer(UserSchema);
  const serializeFields = compileSerializer(UserFieldsSchema);
  const serializeLinks = compileSerializer(LinksSchema);
  /** The `_links` template of an environment's users (the last environment's is kept). */
  let template: { environmentId: string; plain: boolean; parts: string[] } | undefined;
  const templateOf = (environmentId: string) => {
    if (template?.environmentId === environmentId) return template;
    // Markers no other text of the template can hold: the base URL and the environment id are
    // plain (else the serializer writes every user), so `\u0001` appears only where a marker is.
    const sample = serializeLinks(userLinks(hal, { id: '\u0001i', environmentId, populationId: '\u0001p' }));
    // parts: text, slot, text, slot, …, text (a slot: 'i' for the user id, 'p' for its population).
    const parts: string[] = [];
    let from = 0;
    for (let at = sample.indexOf('\\u0001', from); at >= 0; at = sample.indexOf('\\u0001', from)) {
      parts.push(sample.slice(from, at), sample.charAt(at + 6));
      from = at + 7;
    }
    parts.push(sample.slice(from));
    const plain = PLAIN.test(hal.apiBase) && PLAIN.test(environmentId);
    return (template = { environmentId, plain, parts });
  };
  return function forPage(environmentId: string, now: number) {
    const { plain: plainTemplate, parts } = templateOf(environmentId);
    const links = (user: ListedUser): string => {
      let text = parts[0]!;
      for (let i = 1; i < parts.length; i += 2)
        text += (parts[i] === 'i' ? user.id : user.populationId) + parts[i + 1]!;
      return text;
    };
    return (user: ListedUser): string => {
      const options = { now, canAuthenticate: !user.passwordLockedOut };
      const stored = user.storedProfile;
      if (
        !plainTemplate ||
        user.environmentId !== environmentId ||
        !PLAIN.test(user.id) ||
        !PLAIN.test(user.populationId) ||
        stored.charCodeAt(0) !== 0x7b ||
        NAMES_A_PROPERTY.test(stored)
      )
        return serializeUser(userWire(hal, { ...user, profile: listedUserProfile(user) }, options));
      const rest = serializeFields(userFieldsWire(user, options));
      const profile = stored.length > 2 ? `,${stored.slice(1, -1)}` : '';
      return `{"_links":${links(user)},${rest.slice(1, -1)}${profile}}`;
    };
  };
}
