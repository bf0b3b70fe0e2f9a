import { extname } from 'node:path';
import type { ImportedUserRow } from '../core/seed/user-import.js';
import { checkEmail, checkUsername } from '../core/users/user-profile.js';

/** A line of the import file that cannot become a user, refused before any transaction. */
export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export type ParsedLine = { readonly row: ImportedUserRow } | { readonly rejected: RejectedLine };

/** The CSV columns `tessera import-users` reads (header row; other columns are refused). */
export const CSV_COLUMNS = ['username', 'email', 'given', 'family', 'password', 'populationId'] as const;

/** Splits one CSV record (RFC 4180 quoting, "" for a quote; a record is one line). */
export function csvFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('an unterminated quoted field');
  fields.push(field);
  return fields;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Checks one record's fields and makes the row (or says why not, never quoting a password). */
function toRow(line: number, record: Record<string, unknown>): ParsedLine {
  const refuse = (reason: string): ParsedLine => ({ rejected: { line, reason } });
  const usernameProblem = checkUsername(record.username);
  if (usernameProblem) return refuse(`username ${usernameProblem.message}`);
  if (record.email !== undefined && record.email !== '') {
    const emailProblem = checkEmail(record.email);
    if (emailProblem) return refuse(`email ${emailProblem.message}`);
  }
  for (const key of ['password', 'populationId', 'given', 'family'])
    if (record[key] !== undefined && typeof record[key] !== 'string')
      return refuse(`${key} must be a string`);
  const name = record.name;
  const nested = typeof name === 'object' && name !== null ? (name as Record<string, unknown>) : {};
  const given = text(record.given) ?? text(nested.given);
  const family = text(record.family) ?? text(nested.family);
  const row: ImportedUserRow = {
    line,
    username: record.username as string,
    email: text(record.email),
    populationId: text(record.populationId),
    password: text(record.password),
    profile:
      given !== undefined || family !== undefined
        ? { name: { ...(given && { given }), ...(family && { family }) } }
        : undefined,
  };
  return { row };
}

/**
 * The rows of a JSON Lines (.jsonl, .ndjson) or CSV (.csv) file, one per non-blank line, each
 * carrying its 1-based line number. Blank lines are skipped; a CSV header is line 1.
 */
export function* parseUserLines(file: string, content: string): Generator<ParsedLine> {
  const kind = extname(file).toLowerCase();
  const lines = content.split(/\r?\n/);
  if (kind === '.jsonl' || kind === '.ndjson') {
    for (const [i, raw] of lines.entries()) {
      if (raw.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch {
        yield { rejected: { line: i + 1, reason: 'not valid JSON' } };
        continue;
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record))
        yield { rejected: { line: i + 1, reason: 'not a JSON object' } };
      else yield toRow(i + 1, record as Record<string, unknown>);
    }
    return;
  }
  if (kind !== '.csv') throw new Error(`${file}: name it .jsonl, .ndjson or .csv`);
  const header = csvFields(lines[0] ?? '').map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (!header.includes('username') || unknown.length > 0)
    throw new Error(
      `${file}: line 1 must be a header with username and any of ${CSV_COLUMNS.join(', ')}` +
        (unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''),
    );
  for (const [i, raw] of lines.entries()) {
    if (i === 0 || raw.trim() === '') continue;
    let fields: string[];
    try {
      fields = csvFields(raw);
    } catch (error) {
      yield { rejected: { line: i + 1, reason: (error as Error).message } };
      continue;
    }
    if (fields.length !== header.length) {
      yield { rejected: { line: i + 1, reason: `${fields.length} fields, the header has ${header.length}` } };
      continue;
    }
    yield toRow(i + 1, Object.fromEntries(header.map((h, j) => [h, fields[j]])));
  }
}

/** Lines a file would yield, for the progress bar's total (cheap: counts newlines). */
export function countLines(content: string): number {
  let count = 0;
  for (const raw of content.split('\n')) if (raw.trim() !== '') count++;
  return count;
}
