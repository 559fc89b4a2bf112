// A published portfolio exported as a static site from the dashboard's card menu, in a real
// browser against the running product and worker: the ZIP downloaded, unpacked, and opened from
// disk reads exactly like the public page, with its fonts from the archive. Also the card's
// JSON Resume download. Screenshots go to the artifacts folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo } from './harness.mjs';

const site = process.env.VITRINE_E2E_DEMO_SITE;
const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'static-export');

let browser;
let unpacked;

before(async () => {
  assert.ok(baseUrl && site && demo.email, 'ops/test starts the product and sets the variables');
  await mkdir(artifacts, { recursive: true });
  unpacked = await mkdtemp(join(tmpdir(), 'vitrine-static-'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (unpacked) await rm(unpacked, { recursive: true, force: true });
});

/** A published portfolio whose page is what it holds now (no unpublished changes). */
function publishedCard(page) {
  return page.locator('.portfolio-card').filter({ has: page.locator('.badge', { hasText: /^Published$/ }) }).first();
}

const visibleText = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());

test('a published portfolio exported as a static site reads like its public page, fonts included', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);

  const card = publishedCard(page);
  await card.waitFor();
  const publicUrl = await card.getByRole('link', { name: 'Open public page', includeHidden: true }).getAttribute('href');
  assert.ok(publicUrl.startsWith(site), `${publicUrl} is on the demo's site ${site}`);
  await card.getByText('More').click();
  await page.screenshot({ path: join(artifacts, 'card-menu.png'), fullPage: true });
  await card.getByRole('button', { name: 'Export static site (ZIP)' }).click();
  await page.waitForURL(/\/app\/jobs\/[^/]+$/);
  const download = page.getByRole('link', { name: /^Download / });
  await download.waitFor({ timeout: 90_000 });
  await page.screenshot({ path: join(artifacts, 'job-done.png') });

  // The ZIP, fetched with the session of the page that shows its link.
  const href = new URL(await download.getAttribute('href'), page.url()).toString();
  const response = await context.request.get(href);
  assert.equal(response.status(), 200);
  const zip = await response.body();
  assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a ZIP archive');
  const archive = join(unpacked, 'site.zip');
  await writeFile(archive, zip);
  const folder = join(unpacked, 'site');
  execFileSync('python3', ['-m', 'zipfile', '-e', archive, folder]);
  const entries = (await readdir(folder, { recursive: true })).map((entry) => entry.replaceAll('\\', '/'));
  assert.ok(entries.includes('index.html'), `${entries}`);
  const fonts = entries.filter((entry) => entry.startsWith('assets/fonts/') && /\.(woff2?|ttf|otf)$/.test(entry));
  assert.ok(fonts.length > 0, `fonts in the archive: ${entries}`);
  await context.close();

  // The unpacked site, from disk: every request stays on disk and succeeds, the fonts load.
  const offline = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const local = await offline.newPage();
  const requested = [];
  const failed = [];
  local.on('request', (request) => requested.push(request.url()));
  local.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));
  await local.goto(pathToFileURL(join(folder, 'index.html')).href);
  await local.evaluate(() => document.fonts.ready);
  const faces = await local.evaluate(() => ({
    loaded: [...document.fonts].filter((font) => font.status === 'loaded').map((font) => font.family.replaceAll('"', '')),
    broken: [...document.fonts].filter((font) => font.status === 'error').map((font) => font.family),
    heading: getComputedStyle(document.querySelector('h1')).fontFamily.split(',')[0].replaceAll('"', '').trim(),
  }));
  assert.deepEqual(failed, [], 'every file of the site loads from disk');
  assert.deepEqual(requested.filter((url) => !url.startsWith('file:')), [], 'nothing is fetched from the network');
  const fontRequests = requested.filter((url) => url.includes('/assets/fonts/'));
  assert.ok(fontRequests.length > 0, `the page asks for its fonts (${requested})`);
  assert.deepEqual(faces.broken, [], 'no font failed to load');
  assert.ok(faces.loaded.includes(faces.heading), `the heading font ${faces.heading} is loaded from the archive (${faces.loaded})`);
  await local.screenshot({ path: join(artifacts, 'static-site.png'), fullPage: true });
  const exported = await visibleText(local);
  await local.setViewportSize({ width: 390, height: 844 });
  await local.screenshot({ path: join(artifacts, 'static-site-phone.png'), fullPage: true });
  await offline.close();

  // The public page, as a visitor sees it, says the same.
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const visit = await visitor.newPage();
  const answer = await visit.goto(publicUrl);
  assert.equal(answer.status(), 200);
  await visit.screenshot({ path: join(artifacts, 'public-page.png'), fullPage: true });
  const published = await visibleText(visit);
  await visitor.close();
  assert.ok(exported.length > 200, `the static site has content: ${exported}`);
  assert.equal(exported, published);
});

test('a portfolio is downloaded as a JSON Resume from its card', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signInAsDemo(page);
  const card = publishedCard(page);
  await card.getByText('More').click();
  const [file] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download JSON Resume' }).click()]);
  assert.equal(file.suggestedFilename(), 'resume.json');
  const saved = join(artifacts, 'resume.json');
  await file.saveAs(saved);
  const resume = JSON.parse(await readFile(saved, 'utf8'));
  assert.equal(resume.basics?.name, 'Maya Okafor');
  assert.ok(Array.isArray(resume.work) && resume.work.length > 0, 'the positions are in it');
  await context.close();
});
