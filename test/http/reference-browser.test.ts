// The root page and the API reference in real Chromium: links work and nothing leaves the machine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withBrowser } from '../support/browser.js';
import { startTessera, STORES, type TestServer } from '../support/harness.js';

describe('root page and API reference in Chromium', () => {
  let tessera: TestServer | undefined;
  let base = '';
  before(async () => {
    tessera = await startTessera(STORES[0] ?? 'sqlite');
    base = await tessera.app.server.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => tessera?.close());

  it('links from / to a reference page that renders every tag from local assets only', async () => {
    await withBrowser(async (kit) => {
      const recorded = await kit.openPage();
      const root = await recorded.page.goto(base + '/');
      assert.equal(root?.status(), 200);
      assert.match((await recorded.page.title()) ?? '', /^Tessera \d+\.\d+\.\d+/);
      const links = await recorded.page.locator('a').all();
      const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')));
      assert.deepEqual(hrefs, ['/reference', '/openapi.json', '/health/ready', '/health/live']);

      await recorded.page.click('a[href="/reference"]');
      // Swagger UI draws one section per tag once it has loaded /reference/json.
      await recorded.page.waitForSelector('.opblock-tag-section', { timeout: 30_000 });
      const sections = await recorded.page.locator('.opblock-tag').all();
      const tags = await Promise.all(sections.map((section) => section.getAttribute('data-tag')));
      const document = (await tessera!.request('GET', '/openapi.json', { token: null })).body as {
        tags: Array<{ name: string }>;
      };
      assert.deepEqual(
        [...tags].sort(),
        document.tags.map((t) => t.name).sort(),
        'every tag of the document is shown',
      );
      assert.ok(tags.includes('Users') && tags.includes('UiPath Identity') && tags.includes('Health'));

      // Opening an operation shows its summary.
      await recorded.page.click('.opblock-tag[data-tag="Health"]');
      await recorded.page.waitForSelector('text=Liveness: the process answers');

      assert.deepEqual(recorded.offMachine(), [], 'the pages load nothing from the internet');
      const failed = recorded.requests.filter((r) => !r.url.startsWith(base));
      assert.deepEqual(
        failed.filter((r) => !r.url.startsWith('data:')),
        [],
        'every request goes to Tessera itself',
      );
      const errors = recorded.console.filter((m) => m.type === 'error');
      assert.deepEqual(errors, [], 'no console errors');
      await recorded.close();
    });
  });
});
