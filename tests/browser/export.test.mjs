// A PDF export from the dashboard, in a real browser against the running product and worker:
// the job page shows progress then the download, the bell brings the news, and the email's
// unsubscribe link turns such emails off. Screenshots and the PDF go to the artifacts folder.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo } from './harness.mjs';
import { waitForLink } from './outbox.mjs';

const outbox = process.env.VITRINE_E2E_OUTBOX;
const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'export');

let browser;

before(async () => {
  assert.ok(baseUrl && outbox && demo.email, 'ops/test starts the product and sets the variables');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a portfolio is exported to PDF, downloaded, announced in the bell and by email', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signInAsDemo(page);

  const card = page.locator('.portfolio-card').first();
  const title = await card.locator('h3').textContent();
  await card.getByText('More').click();
  await card.getByRole('button', { name: 'Export PDF (A4)' }).click();
  await page.getByRole('heading', { name: 'PDF export' }).waitFor();
  const download = page.getByRole('link', { name: /^Download / });
  await download.waitFor({ timeout: 90_000 });
  assert.match(await page.locator('.card').first().textContent(), /Your PDF is ready: \d+ pages?/);
  await page.screenshot({ path: join(artifacts, 'job-done.png') });
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  const saved = join(artifacts, file.suggestedFilename());
  await file.saveAs(saved);
  const pdf = await readFile(saved);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');

  // The bell has the news; following it leads back to the job.
  await page.goto(`${baseUrl}/app/`);
  await page.locator('.bell .badge').waitFor();
  await page.locator('.bell summary').click();
  const news = page.locator('.bell-list button').filter({ hasText: `Your PDF of “${title}” is ready` }).first();
  await news.waitFor();
  await page.screenshot({ path: join(artifacts, 'bell.png') });
  await news.click();
  await page.getByRole('heading', { name: 'PDF export' }).waitFor();

  // The email says so too, and its link stops such emails.
  const stop = await waitForLink(outbox, demo.email, '/app/unsubscribe');
  await page.goto(stop);
  await page.getByRole('button', { name: 'Stop emails about exports ready or failed' }).click();
  await page.getByText('You will no longer get emails about exports ready or failed').waitFor();
  await page.goto(`${baseUrl}/app/settings`);
  const byEmail = page.getByRole('checkbox', { name: 'Exports ready or failed: by email' });
  await byEmail.waitFor();
  assert.equal(await byEmail.isChecked(), false);
  assert.equal(await page.getByRole('checkbox', { name: 'Exports ready or failed: in the app' }).isChecked(), true);
  await page.screenshot({ path: join(artifacts, 'settings.png'), fullPage: true });
  await context.close();
});

test('the editor exports what is on screen', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);
  await page.locator('.portfolio-card').first().getByRole('link', { name: 'Edit' }).click();
  await page.frameLocator('iframe[title="Page preview"]').locator('h1.header-name').waitFor();
  await page.getByRole('button', { name: 'Export PDF' }).click();
  await page.getByRole('heading', { name: 'PDF export' }).waitFor();
  await page.getByRole('link', { name: /^Download / }).waitFor({ timeout: 90_000 });
  await context.close();
});
