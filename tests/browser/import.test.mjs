// A LinkedIn data export imported from the dashboard, in a real browser against the running
// product and worker: the CSV files uploaded, the report and the preview reviewed, the sections
// applied as a new portfolio, which opens in the editor. Screenshots go to the artifacts folder.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo } from './harness.mjs';

const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'import');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(root, 'platform/tests/api/fixtures/linkedin/complete');
const files = ['Profile.csv', 'Positions.csv', 'Education.csv', 'Skills.csv', 'Projects.csv', 'Languages.csv', 'Messages.csv'];

let browser;

before(async () => {
  assert.ok(baseUrl && demo.email && demo.password, 'ops/test sets VITRINE_E2E_BASE_URL and the demo account');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a LinkedIn export is reviewed and becomes a new portfolio', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Import your career' }).waitFor();
  await page.getByRole('radio', { name: /LinkedIn data export/ }).check();
  // The page says why the career comes from the export and not from signing in with LinkedIn.
  await page.getByText('LinkedIn shares only your name, email address and photo').waitFor();

  // Nothing chosen: the complaint stands next to the file field, and nothing is sent.
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('.field-invalid').getByText('Choose the ZIP of your LinkedIn export, or its CSV files.').waitFor();

  await page.getByLabel(/Your LinkedIn export/).setInputFiles(files.map((name) => join(fixture, name)));
  await page.getByRole('radio', { name: /A new portfolio/ }).check();
  await page.locator('label.template-choice', { hasText: 'Developer' }).click();
  await page.screenshot({ path: join(artifacts, 'import-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  await page.waitForURL(/\/app\/imports\/[^/]+$/);
  const report = page.getByRole('region', { name: 'What was found' });
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.waitFor({ timeout: 60_000 });

  // The report: what was imported, and what was left out with why.
  const imported = await report.locator('.import-found li').allInnerTexts();
  assert.ok(imported.includes('2 positions'), `${imported}`);
  assert.ok(imported.includes('3 skills'), `${imported}`);
  const skipped = await report.locator('.import-skipped').innerText();
  assert.match(skipped, /Messages\.csv: not a file of LinkedIn's export that we read/);

  // The preview: each section ticked, with what it holds.
  const experience = preview.locator('li.import-section[data-section-type="experience"]');
  assert.match(await experience.innerText(), /Senior Engineer — Ledgerly, Feb 2021 – present/);
  assert.match(await preview.locator('li.import-section[data-section-type="header"]').innerText(), /Ana Ruiz — Backend engineer for payments/);
  assert.match(await preview.locator('li.import-section[data-section-type="skills"]').innerText(), /Rust, Go, PostgreSQL/);
  const boxes = preview.getByRole('checkbox');
  const count = await boxes.count();
  assert.ok(count >= 5, `${count} sections`);
  for (let index = 0; index < count; index += 1) assert.equal(await boxes.nth(index).isChecked(), true);
  await page.screenshot({ path: join(artifacts, 'review.png'), fullPage: true });

  // The same page on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await page.screenshot({ path: join(artifacts, 'review-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Without the projects, applied as a new portfolio: the editor opens on it.
  await preview.getByRole('checkbox', { name: 'Projects' }).uncheck();
  await page.getByText(`${count - 1} of ${count} sections chosen.`).waitFor();
  await preview.getByRole('button', { name: 'Create portfolio' }).click();
  await page.waitForURL(/\/app\/portfolios\/[^/]+\/edit$/);
  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('h1.header-name', { hasText: 'Ana Ruiz' }).waitFor();
  const position = canvas.locator('.section-experience .entry', { hasText: 'Ledgerly' }).first();
  await position.waitFor();
  assert.equal(await position.locator('.entry-title').innerText(), 'Senior Engineer');
  assert.equal(await canvas.locator('.section-projects').count(), 0, 'the unticked section was left out');
  await page.screenshot({ path: join(artifacts, 'editor.png') });

  // Going back to the review: it says the import was applied, and links to the portfolio.
  const editorUrl = page.url();
  await page.goBack();
  await page.getByText('This import has been applied.').waitFor();
  await page.getByRole('link', { name: 'Open the portfolio' }).click();
  await page.waitForURL(editorUrl);
  await context.close();
});

test('an import into an existing portfolio adds only what it does not have', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);

  // The portfolio made by the first test, from its card's menu.
  const card = page.locator('.portfolio-card', { has: page.getByRole('heading', { name: 'Ana Ruiz', exact: true }) }).first();
  await card.getByText('More').click();
  await card.getByRole('link', { name: 'Import into this portfolio' }).click();
  await page.getByRole('heading', { name: 'Import your career' }).waitFor();
  assert.equal(await page.getByRole('radio', { name: /Add to an existing portfolio/ }).isChecked(), true);
  assert.equal(await page.getByLabel('Portfolio', { exact: true }).locator('option:checked').innerText(), 'Ana Ruiz');

  await page.getByLabel(/Your LinkedIn export/).setInputFiles(['Positions.csv', 'Projects.csv'].map((name) => join(fixture, name)));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/app\/imports\/[^/]+$/);
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.waitFor({ timeout: 60_000 });
  const report = page.getByRole('region', { name: 'What was found' });
  assert.match(await report.innerText(), /Ledgerly: already in the portfolio/);
  // The portfolio's title arrives after the preview itself.
  await preview.getByText(/What would be added to “Ana Ruiz”/).waitFor();
  assert.match(await preview.innerText(), /Open ledger, Mar 2022/);
  await page.screenshot({ path: join(artifacts, 'review-merge.png'), fullPage: true });
  await preview.getByRole('button', { name: 'Add to portfolio' }).click();
  await page.waitForURL(/\/app\/portfolios\/[^/]+\/edit$/);
  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('.section-projects .project-name', { hasText: 'Open ledger' }).waitFor();
  assert.equal(await canvas.locator('.section-experience .entry', { hasText: 'Ledgerly' }).count(), 1, 'no position twice');
  await context.close();
});

test('a file that is not a LinkedIn export is refused next to the file field', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signInAsDemo(page);
  await page.goto(`${baseUrl}/app/import`);
  await page.getByLabel(/Your LinkedIn export/).setInputFiles({ name: 'export.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('.field-invalid').getByText('export.zip is not a ZIP archive').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await page.screenshot({ path: join(artifacts, 'import-phone-error.png'), fullPage: true });

  // A JSON Resume takes one .json file: said before anything is sent.
  await page.getByRole('radio', { name: /JSON Resume/ }).check();
  await page.getByText('is an open format for CVs').waitFor();
  await page.locator('.import-howto').screenshot({ path: join(artifacts, 'json-resume-howto-phone.png') });
  await page.getByLabel('Your resume.json').setInputFiles({ name: 'resume.txt', mimeType: 'text/plain', buffer: Buffer.from('{}') });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('.field-invalid').getByText('resume.txt is not a .json file.').waitFor();
  await page.screenshot({ path: join(artifacts, 'import-json-phone.png') });
  await context.close();
});

test('an export with nothing to import fails, says why, and offers another try', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);
  await page.goto(`${baseUrl}/app/import`);
  const junk = Buffer.from('Colour,Flavour\nblue,mint\n');
  await page.getByLabel(/Your LinkedIn export/).setInputFiles({ name: 'Profile.csv', mimeType: 'text/csv', buffer: junk });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/app\/imports\/[^/]+$/);
  const alert = page.getByRole('alert').filter({ hasText: 'The import failed' });
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /nothing could be imported/);
  const report = page.getByRole('region', { name: 'What was found' });
  assert.match(await report.innerText(), /Profile\.csv: none of its columns is one we know/);
  await page.screenshot({ path: join(artifacts, 'failed.png'), fullPage: true });
  await page.getByRole('link', { name: 'Try another file' }).click();
  await page.getByRole('heading', { name: 'Import your career' }).waitFor();
  await context.close();
});
