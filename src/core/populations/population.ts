export interface Population {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly isDefault: boolean;
  readonly passwordPolicyId: string | undefined;
  readonly themeId: string | undefined;
  readonly alternativeIdentifiers: readonly string[] | undefined;
  readonly preferredLanguage: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PopulationInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly isDefault?: boolean | undefined;
  readonly passwordPolicyId?: string | undefined;
  readonly themeId?: string | undefined;
  readonly alternativeIdentifiers?: readonly string[] | undefined;
  readonly preferredLanguage?: string | undefined;
}
