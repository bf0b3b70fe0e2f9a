import type { Services } from '../services.js';

/** The store holds secrets sealed with another key than the one configured now. */
export class SealedSecretsError extends Error {}

/**
 * Refuses to start when the sealing key cannot open what the store holds (TESSERA_SECRET_KEY
 * changed, was set or was removed since the secrets were sealed): a clear message now rather
 * than a 500 on the first read of a client secret or delivery password.
 */
export async function requireReadableSealedSecrets(
  services: Pick<Services, 'applications' | 'notifications' | 'config'>,
) {
  const unreadable = [
    ...((await services.applications.sealedSecretsReadable()) ? [] : ['client secrets']),
    ...((await services.notifications.sealedSecretsReadable()) ? [] : ['notification delivery secrets']),
  ];
  if (unreadable.length === 0) return;
  const key =
    services.config.secretKey === undefined
      ? 'the key kept in the store (TESSERA_SECRET_KEY is unset)'
      : 'TESSERA_SECRET_KEY';
  throw new SealedSecretsError(
    `The ${unreadable.join(' and ')} in this store cannot be opened with ${key}: they were sealed with ` +
      'another key. Start Tessera with the TESSERA_SECRET_KEY they were sealed with.',
  );
}
