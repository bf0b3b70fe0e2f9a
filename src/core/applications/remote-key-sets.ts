import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/**
 * Applications' `jwksUrl` key sets. jose's remote key sets cache and rate-limit fetches
 * themselves, so one per URL is kept (per app, never module-wide).
 */
export function createRemoteKeySets(): (url: string) => JWTVerifyGetKey {
  const remoteKeySets = new Map<string, JWTVerifyGetKey>();
  return (url: string): JWTVerifyGetKey => {
    let keys = remoteKeySets.get(url);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cacheMaxAge: 600_000 });
      if (remoteKeySets.size >= 1000) remoteKeySets.clear();
      remoteKeySets.set(url, keys);
    }
    return keys;
  };
}
