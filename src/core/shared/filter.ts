import { parse, type Filter } from 'scim2-parse-filter';
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { matchText, type TextMatch } from '../../db/text-match.js';
import { invalidData, type DomainError } from './errors.js';

/** The operators Tessera's filters understand (a subset of SCIM's). */
export type FilterOperator = TextMatch;

/** For each filterable attribute, the operators it supports. */
export type FilterCapabilities = Readonly<Record<string, readonly FilterOperator[]>>;

export type FilterNode =
  | {
      readonly kind: 'compare';
      readonly attribute: string;
      readonly op: FilterOperator;
      readonly value: string | boolean;
    }
  | { readonly kind: 'and' | 'or'; readonly nodes: readonly FilterNode[] }
  | { readonly kind: 'member'; readonly attribute: string; readonly inner: FilterNode };

export function invalidFilter(message: string, capabilities?: FilterCapabilities): DomainError {
  return invalidData([
    {
      code: 'invalid_filter',
      target: 'filter',
      message,
      ...(capabilities
        ? {
            innerError: {
              supportedAttributes: Object.keys(capabilities).sort(),
              supportedOperators: [...new Set(Object.values(capabilities).flat())].sort(),
            },
          }
        : {}),
    },
  ]);
}

function convert(
  node: Filter,
  capabilities: FilterCapabilities,
  memberAttributes: FilterCapabilities,
): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { kind: node.op, nodes: node.filters.map((f) => convert(f, capabilities, memberAttributes)) };
    case '[]': {
      const attribute = node.attrPath;
      if (!(attribute in memberAttributes)) {
        throw invalidFilter(`Filtering on ${attribute}[...] is not supported.`, capabilities);
      }
      return { kind: 'member', attribute, inner: convert(node.valFilter, memberAttributes, {}) };
    }
    case 'eq':
    case 'sw':
    case 'ew':
    case 'co': {
      const allowed = capabilities[node.attrPath];
      if (!allowed)
        throw invalidFilter(`Filtering on the attribute ${node.attrPath} is not supported.`, capabilities);
      if (!allowed.includes(node.op)) {
        throw invalidFilter(`The operator ${node.op} is not supported for ${node.attrPath}.`, capabilities);
      }
      const value = node.compValue;
      if (typeof value !== 'string' && typeof value !== 'boolean') {
        throw invalidFilter(
          `The value compared with ${node.attrPath} must be a string or a boolean.`,
          capabilities,
        );
      }
      if (typeof value === 'boolean' && node.op !== 'eq') {
        throw invalidFilter(`Only eq compares ${node.attrPath} with a boolean.`, capabilities);
      }
      return { kind: 'compare', attribute: node.attrPath, op: node.op, value };
    }
    default:
      throw invalidFilter(`The operator ${node.op} is not supported.`, capabilities);
  }
}

/**
 * Parses a SCIM filter and checks every attribute and operator against what the endpoint
 * supports; anything else is an `invalid_data` error with an `invalid_filter` detail.
 */
export function parseFilter(
  text: string | undefined,
  capabilities: FilterCapabilities,
  memberAttributes: FilterCapabilities = {},
): FilterNode | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let tree: Filter;
  try {
    tree = parse(text);
  } catch {
    throw invalidFilter('The filter could not be parsed.', capabilities);
  }
  return convert(tree, capabilities, memberAttributes);
}

export interface FilterColumn {
  readonly expression: Expression<unknown>;
  readonly type: 'text' | 'boolean';
  /**
   * Always stored in lowercase (generated UUIDs): `eq` compares the column itself with the
   * lowered value, without lower() around the column, so the column's own index serves it.
   */
  readonly storedLowercase?: boolean;
}

export interface FilterCompiler {
  column(attribute: string): FilterColumn;
  /** SQL for `attribute[inner]`, e.g. an EXISTS over a membership table. */
  member?(attribute: string, inner: FilterNode): RawBuilder<SqlBool>;
  /** The store's byte-order wrapper, when the filtered table has byte-ordered text indexes. */
  byteOrder?(expression: Expression<unknown>): RawBuilder<unknown>;
}

export function compileFilter(node: FilterNode, compiler: FilterCompiler): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.nodes.map((n) => compileFilter(n, compiler));
      return sql<SqlBool>`(${sql.join(parts, sql` ${sql.raw(node.kind)} `)})`;
    }
    case 'member':
      if (!compiler.member) throw invalidFilter(`Filtering on ${node.attribute}[...] is not supported.`);
      return compiler.member(node.attribute, node.inner);
    case 'compare': {
      const column = compiler.column(node.attribute);
      if (column.type === 'boolean') {
        const wanted = typeof node.value === 'boolean' ? node.value : node.value.toLowerCase() === 'true';
        return sql<SqlBool>`${column.expression} = ${wanted}`;
      }
      if (column.storedLowercase && node.op === 'eq')
        return sql<SqlBool>`${column.expression} = ${String(node.value).toLowerCase()}`;
      return matchText(
        column.expression,
        node.op,
        String(node.value),
        compiler.byteOrder ? (e) => compiler.byteOrder!(e) : undefined,
      );
    }
  }
}

/** The single value an `attr eq "x"` filter pins, when the whole filter is exactly that. */
export function equalityValue(node: FilterNode | undefined, attribute: string): string | undefined {
  if (node?.kind === 'compare' && node.attribute === attribute && node.op === 'eq') return String(node.value);
  return undefined;
}
