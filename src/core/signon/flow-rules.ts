import type { Flow, FlowAction, FlowStatus } from './flow.js';

export type FlowActionType = FlowAction['type'];

/** Flows expire after 15 minutes without activity (reference §4.1); each action slides the window. */
export const FLOW_IDLE_MS = 15 * 60_000;

export const isTerminal = (status: FlowStatus): boolean => status === 'COMPLETED' || status === 'FAILED';

/**
 * The actions a flow accepts in its current status (reference §4.4–4.5): the Flows API lists them
 * as `_links` rels and refuses any other with `invalid_request`.
 */
export function allowedActions(flow: Pick<Flow, 'status' | 'policy'>): FlowActionType[] {
  const { recoveryEnabled, registrationEnabled } = flow.policy;
  switch (flow.status) {
    case 'USERNAME_PASSWORD_REQUIRED':
      return [
        'usernamePassword.check',
        ...(recoveryEnabled ? (['password.forgot'] as const) : []),
        ...(registrationEnabled ? (['user.register'] as const) : []),
        'session.reset',
      ];
    case 'PASSWORD_REQUIRED':
      return [
        'usernamePassword.check',
        ...(recoveryEnabled ? (['password.forgot'] as const) : []),
        'session.reset',
      ];
    case 'MUST_CHANGE_PASSWORD':
    case 'PASSWORD_EXPIRED':
      return ['password.reset', 'session.reset'];
    case 'RECOVERY_CODE_REQUIRED':
      return ['password.recover', 'password.sendRecoveryCode', 'session.reset'];
    case 'COMPLETED':
    case 'FAILED':
      return [];
  }
}
