export const ENVIRONMENT_TYPES = ['PRODUCTION', 'SANDBOX'] as const;
export const REGIONS = ['AP', 'AU', 'CA', 'EU', 'NA', 'SG'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];
export type Region = (typeof REGIONS)[number];

export interface Environment {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly type: EnvironmentType;
  readonly region: Region;
  readonly licenseId: string;
  readonly status: 'ACTIVE' | 'DELETE_PENDING';
  readonly icon: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface EnvironmentInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly type: EnvironmentType;
  readonly region: Region;
  readonly licenseId: string;
  readonly icon?: string | undefined;
}
