import type { StoreTarget } from '../scenarios/api.js';

/** Command-line flags and environment settings of `npm run bench`, read once. */
export interface BenchOptions {
  /** Short durations and small scales (the whole run in about two minutes). */
  readonly quick: boolean;
  /** Machine-readable results on stdout; human text goes to stderr. */
  readonly json: boolean;
  readonly markdown: boolean;
  /** Users imported for the list scenarios on SQLite. */
  readonly scale: number;
  /** Users imported for the list scenarios on PostgreSQL (`--pg-scale`, default min(scale, 20,000)). */
  readonly pgScale: number;
  /** Scenario groups to run (`--only=a,b`); all when empty. */
  readonly only: readonly string[];
  readonly stores: readonly StoreTarget[];
  /** Seconds per measured scenario (BENCH_DURATION; 5, or 2 with --quick). */
  readonly duration: number;
  /** Seconds of warm-up before each measurement (1, or 0.5 with --quick). */
  readonly warmUp: number;
  readonly connections: number;
}

/** Scenario groups, in the order they run; `--only` picks among them. */
export const GROUPS = ['api', 'passwords', 'signon', 'logging', 'lists', 'peers', 'library'] as const;
export type Group = (typeof GROUPS)[number];

function flag(argv: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const known = ['--quick', '--json', '--markdown', '--scale=', '--pg-scale=', '--only=', '--help'];
  for (const a of argv)
    if (!known.some((k) => (k.endsWith('=') ? a.startsWith(k) : a === k)))
      throw new Error(`unknown bench flag ${a} (flags: ${known.join(' ')})`);
  const quick = argv.includes('--quick');
  const scale = Number(flag(argv, 'scale') ?? (quick ? 20_000 : 100_000));
  if (!Number.isInteger(scale) || scale < 1000) throw new Error('--scale must be an integer ≥ 1000');
  const pgScale = Number(flag(argv, 'pg-scale') ?? Math.min(scale, quick ? 5_000 : 20_000));
  if (!Number.isInteger(pgScale) || pgScale < 1000) throw new Error('--pg-scale must be an integer ≥ 1000');
  const only = (flag(argv, 'only') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of only)
    if (!(GROUPS as readonly string[]).includes(o))
      throw new Error(`--only: unknown scenario group ${o} (groups: ${GROUPS.join(', ')})`);
  const stores = (env.BENCH_STORES ?? 'sqlite,postgres')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is StoreTarget => s === 'sqlite' || s === 'postgres');
  return {
    quick,
    json: argv.includes('--json'),
    markdown: argv.includes('--markdown'),
    scale,
    pgScale,
    only,
    stores,
    duration: Number(env.BENCH_DURATION ?? (quick ? 2 : 5)),
    warmUp: quick ? 0.5 : 1,
    connections: Number(env.BENCH_CONNECTIONS ?? 10),
  };
}

export const wants = (options: BenchOptions, group: Group): boolean =>
  options.only.length === 0 || options.only.includes(group);

export const HELP = `npm run bench -- [--quick] [--json] [--markdown] [--scale=N] [--pg-scale=N] [--only=${GROUPS.join(',')}]
  --quick      short durations and small scales (about 2 minutes in all)
  --json       results as JSON on stdout (progress on stderr)
  --markdown   also print a Markdown table (for docs/benchmarks.md)
  --scale=N    users imported for the list scenarios on SQLite (default 100000; 20000 with --quick)
  --pg-scale=N the same on PostgreSQL (default min(scale, 20000); 5000 with --quick)
  --only=a,b   run only these scenario groups
Environment: BENCH_STORES (sqlite,postgres), BENCH_DURATION, BENCH_CONNECTIONS, TESSERA_BENCH_POSTGRES_URL
`;
