import { randomInt } from 'node:crypto';
import type { PasswordRecord } from './passwords.repository.js';

/** Recovery codes are 8 case-insensitive alphanumerics, valid 5 minutes (PingOne: not configurable). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LENGTH = 8;
export const RECOVERY_CODE_TTL_MS = 5 * 60_000;

/** A fresh code from the CSPRNG. */
export const newRecoveryCode = (): string =>
  Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** How a typed code compares with the stored hash: trimmed, upper-cased. */
export const canonicalRecoveryCode = (typed: string): string => typed.trim().toUpperCase();

/** The hash of a code that can still be used at `now`, if any. */
export const usableRecoveryCodeHash = (r: PasswordRecord, now: number): string | undefined =>
  r.recoveryCodeHash !== undefined && r.recoveryExpiresAt !== undefined && r.recoveryExpiresAt > now
    ? r.recoveryCodeHash
    : undefined;
