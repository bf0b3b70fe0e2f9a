// Chromium test kit: Debian's /usr/bin/chromium driven by playwright-core (no browser download).
// Every page records each request it makes and each console message, and any request to a host
// other than this machine is aborted before it leaves, so a test can assert nothing went out.
import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A launch that has not answered by then is broken; failing beats hanging the suite. */
const LAUNCH_TIMEOUT_MS = 60_000;

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly resourceType: string;
  readonly isNavigation: boolean;
  readonly postData: string | null;
}

export interface ConsoleEntry {
  readonly type: string;
  readonly text: string;
}

export interface RecordedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every request the page made, in order (including ones aborted for leaving the machine). */
  readonly requests: RecordedRequest[];
  readonly console: ConsoleEntry[];
  /** Requests whose host is not 127.0.0.0/8, ::1 or localhost (and not data:/about:). */
  offMachine(): RecordedRequest[];
  close(): Promise<void>;
}

export interface BrowserKit {
  readonly browser: Browser;
  openPage(options?: BrowserContextOptions): Promise<RecordedPage>;
  close(): Promise<void>;
}

/** A phone-sized context (iPhone 12-15 class): the page's meta viewport is honoured. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

export function isLocalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'about:') return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Launches Chromium, or fails at once with what to install when it is missing. */
export async function launchBrowser(executablePath: string = CHROMIUM_PATH): Promise<BrowserKit> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: the browser tests need Debian's chromium package ` +
        '(apt-get install chromium; .ci/run installs it when missing).',
    );
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS });
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    openPage: async (options = {}) => {
      const context = await browser.newContext(options);
      contexts.add(context);
      const requests: RecordedRequest[] = [];
      const messages: ConsoleEntry[] = [];
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        await (isLocalUrl(url) ? route.continue() : route.abort('blockedbyclient'));
      });
      context.on('request', (request) => {
        requests.push({
          method: request.method(),
          url: request.url(),
          resourceType: request.resourceType(),
          isNavigation: request.isNavigationRequest(),
          postData: request.postData(),
        });
      });
      const page = await context.newPage();
      page.on('console', (message) => messages.push({ type: message.type(), text: message.text() }));
      return {
        page,
        context,
        requests,
        console: messages,
        offMachine: () => requests.filter((r) => !isLocalUrl(r.url)),
        close: async () => {
          contexts.delete(context);
          await context.close();
        },
      };
    },
    close: async () => {
      for (const context of contexts) await context.close();
      await browser.close();
    },
  };
}

/** Runs `fn` with a fresh Chromium and always closes it. */
export async function withBrowser<T>(fn: (kit: BrowserKit) => Promise<T>): Promise<T> {
  const kit = await launchBrowser();
  try {
    return await fn(kit);
  } finally {
    await kit.close();
  }
}
