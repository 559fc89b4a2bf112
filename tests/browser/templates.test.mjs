// Every template drawing the demo portfolio as visitors get it (through the router, at the
// workspace's subdomain), at desktop and phone width: screenshots for people to look at, and
// the checks a screenshot cannot make.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const site = process.env.VITRINE_E2E_DEMO_SITE;
const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'templates');
const templates = ['minimal', 'modern', 'creative', 'developer'];
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

let browser;

before(async () => {
  assert.ok(site, 'VITRINE_E2E_DEMO_SITE must be set (ops/test seeds the demo account and sets it)');
  await mkdir(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

for (const template of templates) {
  for (const [name, viewport] of Object.entries(widths)) {
    test(`the ${template} template at ${name} width`, async () => {
      const context = await browser.newContext({ viewport, javaScriptEnabled: false });
      const page = await context.newPage();
      const failed = [];
      page.on('requestfailed', (request) => failed.push(request.url()));
      page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
      const response = await page.goto(`${site}/${template}`);
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('body').getAttribute('class'), `page theme-${template}`);
      assert.equal(await page.locator('h1').innerText(), 'Maya Okafor');
      assert.equal(await page.locator('main').count(), 1, 'one main landmark');
      assert.equal(await page.locator('img:not([alt])').count(), 0, 'every image has alt text');
      await page.screenshot({ path: join(artifacts, `${template}-${name}.png`), fullPage: true });

      // Scripts are off in this context, so these checks run in a second one.
      const probe = await browser.newContext({ viewport });
      const checked = await probe.newPage();
      await checked.goto(`${site}/${template}`);
      await checked.evaluate(() => document.fonts.ready);
      const layout = await checked.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        fonts: [...document.fonts].filter((font) => font.status === 'loaded').map((font) => font.family),
        heading: getComputedStyle(document.querySelector('h1')).fontFamily,
      }));
      assert.ok(layout.overflow <= 0, `no sideways scrolling (${layout.overflow}px too wide)`);
      const family = layout.heading.split(',')[0].replaceAll('"', '').trim();
      assert.ok(layout.fonts.includes(family) || layout.fonts.includes(`"${family}"`), `the heading font ${family} is loaded from our host (${layout.fonts})`);
      assert.deepEqual(failed, [], 'every resource loads');
      await probe.close();
      await context.close();
    });
  }
}
