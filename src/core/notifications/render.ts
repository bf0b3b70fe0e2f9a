import { DEFAULT_LOCALE } from './templates.js';
import type { ContentMethod, TemplateContent } from './notification.js';

/** `en_GB`, `EN-gb` -> `en-gb`; locales compare case-insensitively. */
export const normalizeLocale = (locale: string): string => locale.trim().replace(/_/g, '-').toLowerCase();

const languageOf = (locale: string): string => locale.split('-')[0]!;

/** Accepts a plain tag or a quality-valued list (`fr-CA;q=0.9, en;q=0.5`), best first. */
function parseLocales(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => p.startsWith('q='));
      return { tag: normalizeLocale(tag), quality: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*')
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * The locales to try, best first: the requested locale, its language without region, the user's
 * preferred language (and its language), then the environment default.
 */
export function localeCandidates(requested: string | undefined, preferred: string | undefined): string[] {
  const result: string[] = [];
  const add = (locale: string) => {
    if (!result.includes(locale)) result.push(locale);
  };
  for (const source of [parseLocales(requested), parseLocales(preferred)]) {
    for (const locale of source) {
      add(locale);
      add(languageOf(locale));
    }
  }
  add(DEFAULT_LOCALE);
  return result;
}

/**
 * Picks the content for a delivery method: for each candidate locale in order, the requested
 * variant, else that locale's content without variant. An unknown variant therefore falls back to
 * the default content of the best locale rather than to a variant in another language.
 */
export function selectContent(
  contents: readonly TemplateContent[],
  method: ContentMethod,
  locales: readonly string[],
  variant: string | undefined,
): TemplateContent | undefined {
  const wanted = variant?.trim().toLowerCase() ?? '';
  const ofMethod = contents.filter((c) => c.deliveryMethod === method);
  for (const locale of locales) {
    const inLocale = ofMethod.filter((c) => c.locale === locale);
    if (wanted !== '') {
      const match = inLocale.find((c) => c.variant.toLowerCase() === wanted);
      if (match) return match;
    }
    const plain = inLocale.filter((c) => c.variant === '');
    // A custom content replaces the built-in one of the same locale.
    const chosen = plain.find((c) => !c.isDefault) ?? plain[0];
    if (chosen) return chosen;
  }
  return undefined;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * Replaces every `${name}` with its variable; unknown variables become empty. Values are HTML
 * escaped in HTML bodies so a variable can never inject markup.
 */
export function substitute(text: string, variables: Readonly<Record<string, string>>, html = false): string {
  return text.replace(/\$\{\s*([A-Za-z0-9_.-]+)\s*\}/g, (_match, name: string) => {
    const value = variables[name] ?? '';
    return html ? escapeHtml(value) : value;
  });
}
