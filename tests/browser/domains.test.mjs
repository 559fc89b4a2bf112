// Custom domains from the dashboard: a refused name gets its reason next to the field, a
// domain is connected and its DNS records shown to copy, then disconnected. Screenshots go
// to the artifacts folder.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo } from './harness.mjs';

const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'domains');

let browser;

before(async () => {
  assert.ok(baseUrl && demo.email, 'ops/test starts the product and sets the variables');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a domain is connected with the records to create, and disconnected', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsDemo(page);
    await page.getByRole('link', { name: 'Domains' }).first().click();
    await page.getByRole('heading', { name: 'Connect a domain' }).waitFor();

    await page.getByRole('textbox', { name: 'Domain' }).fill('demo-owner.localhost');
    await page.getByRole('button', { name: 'Connect domain' }).click();
    await page.getByText('belongs to this service').waitFor();

    const hostname = viewport.width > 500 ? 'www.demo-portfolio.example' : 'demo-portfolio.example';
    await page.getByRole('textbox', { name: 'Domain' }).fill(hostname.toUpperCase());
    await page.getByRole('button', { name: 'Connect domain' }).click();
    const card = page.locator('article, li, section').filter({ hasText: `_vitrine.${hostname}` }).last();
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /Pending/);
    assert.match(text, /vitrine-verify=/, 'the TXT value to create is shown');
    assert.match(text, viewport.width > 500 ? /CNAME/ : /\bA\b/, 'a CNAME for a subdomain, A records for an apex');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    await page.screenshot({ path: join(artifacts, `connected-${viewport.width}.png`), fullPage: true });

    await card.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText(`_vitrine.${hostname}`).waitFor({ state: 'detached' });
    await context.close();
  }
});
