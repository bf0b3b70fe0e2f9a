import { withScopeAuthority, type Actor } from '../core/access/actor.js';

/**
 * UiPath Identity's user scopes and the core permissions each grants. `PM.User` allows
 * everything; `PM.User.Read` reading; `PM.User.Write` the changes.
 */
const READ = ['dir:read:user'];
const WRITE = ['dir:create:user', 'dir:update:user', 'dir:delete:user', 'dir:update:userPassword'];
const SCOPE_PERMISSIONS: ReadonlyArray<readonly [scope: string, permissions: readonly string[]]> = [
  ['PM.User', [...READ, ...WRITE]],
  ['PM.User.Read', READ],
  ['PM.User.Write', WRITE],
];

/** The actor with its rights read from its scopes (UiPath ignores PingOne role grants). */
export const uipathActor = (actor: Actor): Actor =>
  withScopeAuthority(
    actor,
    SCOPE_PERMISSIONS.filter(([scope]) => actor.scopes.includes(scope)).flatMap(([, p]) => p),
  );

/** The scopes that grant a permission, as UiPath names them in its refusal. */
export const scopesGranting = (permission: string): string[] =>
  SCOPE_PERMISSIONS.filter(([, permissions]) => permissions.includes(permission)).map(([scope]) => scope);
