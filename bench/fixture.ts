/** What a benchmark target tells the load generator once it listens. */
export interface BenchFixture {
  readonly baseUrl: string;
  /** A bearer token of the bootstrap worker (empty for the bare Fastify ceiling). */
  readonly token: string;
  readonly environmentId: string;
  /** A user with a typical profile (name, address, phones, photo). */
  readonly userId: string;
  readonly populationId: string;
  /** The target's store and data directory (the import-users CLI opens the same store). */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}
