import bcrypt from 'bcryptjs';
import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidValue, type DomainError } from '../shared/errors.js';

/**
 * Pre-encoded passwords in LDAP userPassword syntax: `{SCHEME}` + encoding. Layouts are described
 * in docs/passwords.md, with what PingOne documents and what is our choice.
 */
export type Scheme =
  'SSHA' | 'SSHA256' | 'SSHA384' | 'SSHA512' | 'BCRYPT' | 'PBKDF2' | 'SCRYPT' | 'SCRYPT_RFC7914' | 'ARGON2';

export const SCHEMES: readonly Scheme[] = [
  'SSHA',
  'SSHA256',
  'SSHA384',
  'SSHA512',
  'BCRYPT',
  'PBKDF2',
  'SCRYPT',
  'SCRYPT_RFC7914',
  'ARGON2',
];

export interface Encoded {
  readonly scheme: Scheme;
  /** The whole value, prefix included, as it is stored. */
  readonly value: string;
}

/** `{NAME}` at the start of a value marks it as pre-encoded (scheme names are upper case). */
const PREFIX = /^\{([A-Z][A-Z0-9_-]*)\}/;

export const malformedEncoding = (target = 'password'): DomainError =>
  invalidValue(target, 'The provided pre-encoded password does not conform to a supported encoding scheme');

const SSHA_DIGESTS = {
  SSHA: ['sha1', 20],
  SSHA256: ['sha256', 32],
  SSHA384: ['sha384', 48],
  SSHA512: ['sha512', 64],
} as const;
const PBKDF2_DIGESTS: Record<number, string> = { 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BCRYPT = /^\$2[abxy]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const SCRYPT_PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
/** Refuses parameters that would let one import pin the CPU or memory (≈ 256 MiB for scrypt). */
const MAX_ITERATIONS = 10_000_000;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

const b64 = (text: string): Buffer | undefined =>
  BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;

interface Pbkdf2Params {
  salt: Buffer;
  iterations: number;
  digest: string;
  key: Buffer;
}
interface ScryptParams {
  salt: Buffer;
  N: number;
  r: number;
  p: number;
  key: Buffer;
}

/** `version(2) | saltLength(2) | salt | iterations(4) | key`, big-endian; key length picks the digest. */
function parsePbkdf2(body: string): Pbkdf2Params | undefined {
  const bytes = b64(body);
  if (!bytes || bytes.length < 8) return undefined;
  const saltLength = bytes.readUInt16BE(2);
  if (saltLength < 1 || bytes.length < 4 + saltLength + 4) return undefined;
  const salt = bytes.subarray(4, 4 + saltLength);
  const iterations = bytes.readUInt32BE(4 + saltLength);
  const key = bytes.subarray(8 + saltLength);
  const digest = PBKDF2_DIGESTS[key.length];
  if (!digest || iterations < 1 || iterations > MAX_ITERATIONS) return undefined;
  return { salt, iterations, digest, key };
}

const powerOfTwo = (n: number) => n >= 2 && (n & (n - 1)) === 0;
const scryptMemory = (p: ScryptParams) => 128 * p.N * p.r + 128 * p.r * p.p + 1024 * 1024;

/** `version(2) | saltLength(2) | salt | N(4) | r(2) | p(2) | key`, big-endian. */
function parseScrypt(body: string): ScryptParams | undefined {
  const bytes = b64(body);
  if (!bytes || bytes.length < 4) return undefined;
  const saltLength = bytes.readUInt16BE(2);
  const offset = 4 + saltLength;
  if (saltLength < 1 || bytes.length < offset + 8 + 16) return undefined;
  const params = {
    salt: bytes.subarray(4, offset),
    N: bytes.readUInt32BE(offset),
    r: bytes.readUInt16BE(offset + 4),
    p: bytes.readUInt16BE(offset + 6),
    key: bytes.subarray(offset + 8),
  };
  return validScrypt(params) ? params : undefined;
}

/** passlib's modular format: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<base64 salt>$<base64 key>`. */
function parseScryptPhc(body: string): ScryptParams | undefined {
  const match = SCRYPT_PHC.exec(body);
  if (!match) return undefined;
  const params = {
    N: 2 ** Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
    salt: Buffer.from(match[4]!, 'base64'),
    key: Buffer.from(match[5]!, 'base64'),
  };
  return validScrypt(params) ? params : undefined;
}

const validScrypt = (p: ScryptParams) =>
  p.salt.length > 0 &&
  p.key.length >= 16 &&
  powerOfTwo(p.N) &&
  p.r >= 1 &&
  p.p >= 1 &&
  scryptMemory(p) <= MAX_SCRYPT_MEMORY;

/**
 * Recognises a pre-encoded value. Returns undefined for cleartext; throws 400 for a value that
 * names a scheme but is malformed, or names a scheme Tessera does not accept.
 */
export function parseEncoded(value: string, target = 'password'): Encoded | undefined {
  const match = PREFIX.exec(value);
  if (!match) return undefined;
  const scheme = match[1] as Scheme;
  const body = value.slice(match[0].length);
  if (!SCHEMES.includes(scheme) || !wellFormed(scheme, body)) throw malformedEncoding(target);
  return { scheme, value };
}

function wellFormed(scheme: Scheme, body: string): boolean {
  switch (scheme) {
    case 'SSHA':
    case 'SSHA256':
    case 'SSHA384':
    case 'SSHA512': {
      const bytes = b64(body);
      return bytes !== undefined && bytes.length > SSHA_DIGESTS[scheme][1];
    }
    case 'BCRYPT':
      return BCRYPT.test(body);
    case 'ARGON2':
      return ARGON2.test(body);
    case 'PBKDF2':
      return parsePbkdf2(body) !== undefined;
    case 'SCRYPT':
      return parseScrypt(body) !== undefined;
    case 'SCRYPT_RFC7914':
      return parseScryptPhc(body) !== undefined;
  }
}

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * Verifies a cleartext against a legacy (non-argon2) encoding, in constant time. The slow ones
 * (pbkdf2, scrypt) run on the libuv threadpool; bcryptjs yields to the event loop between rounds.
 */
export async function verifyLegacy(encoded: Encoded, plain: string): Promise<boolean> {
  const body = encoded.value.slice(encoded.scheme.length + 2);
  switch (encoded.scheme) {
    case 'SSHA':
    case 'SSHA256':
    case 'SSHA384':
    case 'SSHA512': {
      const [algorithm, size] = SSHA_DIGESTS[encoded.scheme];
      const bytes = Buffer.from(body, 'base64');
      const salt = bytes.subarray(size);
      const digest = createHash(algorithm).update(plain, 'utf8').update(salt).digest();
      return equal(digest, bytes.subarray(0, size));
    }
    case 'BCRYPT':
      // $2y$ (PHP) and $2x$ are the same algorithm as $2b$ for valid UTF-8 input.
      return bcrypt.compare(plain, body.replace(/^\$2[xy]\$/, '$2b$'));
    case 'PBKDF2': {
      const p = parsePbkdf2(body)!;
      return equal(await pbkdf2Async(plain, p.salt, p.iterations, p.key.length, p.digest), p.key);
    }
    case 'SCRYPT':
    case 'SCRYPT_RFC7914': {
      const p = (encoded.scheme === 'SCRYPT' ? parseScrypt(body) : parseScryptPhc(body))!;
      const key = await scryptAsync(plain, p.salt, p.key.length, {
        N: p.N,
        r: p.r,
        p: p.p,
        maxmem: scryptMemory(p) + 1024,
      });
      return equal(key, p.key);
    }
    case 'ARGON2':
      throw new Error('argon2 encodings are verified by the hasher');
  }
}
