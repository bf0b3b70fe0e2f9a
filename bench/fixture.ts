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

/** Listens on 127.0.0.1 and announces a bare target (ceiling, floor): only its URL means anything. */
export async function listenBare(
  app: { listen(options: { host: string; port: number }): Promise<unknown>; server: { address(): unknown } },
  announce: (fixture: BenchFixture) => void,
): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port?: number } | null;
  const port = address?.port ?? 0;
  announce({
    baseUrl: `http://127.0.0.1:${port}`,
    token: '',
    environmentId: '',
    userId: '',
    populationId: '',
  });
}
