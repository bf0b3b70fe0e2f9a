import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The 49k common passwords of @zxcvbn-ts/language-common, lower-cased. Each passwords service
 * owns one loader; the set is built on first use.
 */
export function commonPasswordsLoader(): () => ReadonlySet<string> {
  let common: Set<string> | undefined;
  return () => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));
}
