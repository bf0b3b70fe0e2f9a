import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { SeedDocument } from '../core/seed/seed.js';

/** A seed file that cannot be read or does not match the seed schema; the message names the path. */
export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/** The JSON Schema shipped in the package (`schemas/seed.schema.json`), from src/ or dist/ alike. */
export const SEED_SCHEMA_URL = new URL('../../schemas/seed.schema.json', import.meta.url);

// Compiled once per process (like prepared queries): the shipped schema is the same for every instance.
let validator: ValidateFunction | undefined;
function validate(value: unknown) {
  if (!validator) {
    const ajv = new Ajv.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SEED_SCHEMA_URL, 'utf8')) as object);
  }
  return { ok: validator(value), errors: validator.errors ?? [] };
}

/** `/environments/0/users/3/password` → `environments[0].users[3].password`. */
function pathOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  const extra = (error.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
  if (extra.missingProperty) parts.push(extra.missingProperty);
  if (extra.additionalProperty) parts.push(extra.additionalProperty);
  return (
    parts
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
      .join('')
      .replace(/^\./, '') || '(the document)'
  );
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'enum') return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
  return error.message ?? 'is invalid';
}

/** Checks a parsed document against the seed schema; throws SeedFileError naming each bad path. */
export function validateSeed(value: unknown, source = 'seed'): SeedDocument {
  const { ok, errors } = validate(value);
  if (ok) return value as SeedDocument;
  // An anyOf failure repeats each branch's complaint: the deepest (most specific) ones say most.
  const depth = (e: ErrorObject) => pathOf(e).length;
  const deepest = Math.max(...errors.map(depth));
  const lines = [
    ...new Set(
      errors
        .filter((e) => e.keyword !== 'anyOf' && depth(e) === deepest)
        .map((e) => `${pathOf(e)}: ${describe(e)}`),
    ),
  ];
  throw new SeedFileError(`${source} is not a valid seed: ${lines.join('; ')}`);
}

const isYaml = (file: string) => /\.ya?ml$/i.test(file);

/** Reads a seed file, YAML when it is named `.yaml`/`.yml`, else JSON, and validates it. */
export function readSeedFile(file: string): SeedDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SeedFileError(`cannot read seed file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = isYaml(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(
      `${file} is not valid ${isYaml(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
  return validateSeed(parsed, file);
}

/** A seed given to the library or a command: a file name, or the document itself. */
export const loadSeed = (seed: string | object): SeedDocument =>
  typeof seed === 'string' ? readSeedFile(seed) : validateSeed(seed);

/**
 * Writes a document as a seed file (YAML for `.yaml`/`.yml`, else JSON), readable by the owner
 * only: an export holds client secrets and password hashes.
 */
export function writeSeedFile(file: string, document: SeedDocument): void {
  const text = isYaml(file) ? stringifyYaml(document) : JSON.stringify(document, null, 2) + '\n';
  writeFileSync(file, text, { mode: 0o600 });
}
