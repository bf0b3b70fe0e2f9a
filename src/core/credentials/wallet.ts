export interface WalletApplication {
  readonly id: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly name: string;
  readonly appOpenUrl: string;
  readonly usesPingOneWalletSDK: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface WalletApplicationInput {
  readonly applicationId: string;
  readonly name: string;
  readonly appOpenUrl: string;
  readonly usesPingOneWalletSDK?: boolean | undefined;
}

/** PAIRING_REQUIRED until the pairing completes (ACTIVE); DISABLED when its application is deleted. */
export type WalletStatus = 'PAIRING_REQUIRED' | 'ACTIVE' | 'DISABLED';

export interface PairingSession {
  readonly id: string;
  readonly challenge: string;
  readonly qrUrl: string;
  readonly status: 'INITIAL' | 'COMPLETED';
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DigitalWallet {
  readonly id: string;
  readonly environmentId: string;
  readonly userId: string;
  readonly walletApplicationId: string;
  readonly status: WalletStatus;
  readonly applicationInstanceId: string | undefined;
  readonly pairingSession: PairingSession | undefined;
  readonly notification:
    | { readonly methods: readonly string[]; readonly template?: { locale?: string; variant?: string } }
    | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}
