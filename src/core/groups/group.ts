import type { JsonObject } from '../shared/json.js';

export interface Group {
  readonly id: string;
  readonly environmentId: string;
  /** Set for a population group: only users of that population may join it. */
  readonly populationId: string | undefined;
  readonly name: string;
  readonly description: string | undefined;
  readonly externalId: string | undefined;
  readonly customData: JsonObject | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface GroupInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly populationId?: string | undefined;
  readonly externalId?: string | undefined;
  readonly customData?: JsonObject | undefined;
}

export interface GroupWithCount extends Group {
  /** Users added to the group directly (PingOne's `directMemberCounts.users`). */
  readonly directUserCount: number;
  /** Distinct users of the group and of every group nested in it, at any depth (on request). */
  readonly totalUserCount?: number | undefined;
}

/** A user's membership as PingOne shows it (`/users/{id}/memberOfGroups`). */
export interface Membership {
  readonly userId: string;
  readonly environmentId: string;
  readonly groupId: string;
  readonly groupName: string;
  /** DIRECT: added explicitly. INDIRECT: only through a nested group (reference more §1.5). */
  readonly type: 'DIRECT' | 'INDIRECT';
}
