// The editor end to end: a portfolio made from a template in the dashboard, a section added
// between two others, an item added, the accent colour changed; saved, reloaded, published,
// and seen by a visitor. Screenshots go to the artifacts folder.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo as signIn } from './harness.mjs';

const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'editor');
const run = Math.random().toString(36).slice(2, 8);
// A 1×1 PNG, for uploads.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let browser;

before(async () => {
  assert.ok(baseUrl && demo.email && demo.password, 'ops/test sets VITRINE_E2E_BASE_URL and the demo account');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a portfolio made from a template is edited, saved, reloaded and published', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page);

  await page.getByRole('button', { name: 'New portfolio' }).click();
  const dialog = page.getByRole('dialog', { name: 'A new portfolio' });
  await dialog.getByLabel('Title').fill(`Editor test ${run}`);
  await dialog.locator('label.template-choice', { hasText: 'Modern' }).click();
  await page.screenshot({ path: join(artifacts, 'new-portfolio.png') });
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/app\/portfolios\/[^/]+\/edit$/);

  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('h1.header-name').filter({ hasText: 'Maya Okafor' }).waitFor();

  // A projects section dragged from the palette to between "About" and "Experience".
  const outline = page.getByRole('complementary', { name: 'Sections' });
  await outline.locator('[data-section-type="projects"]').dragTo(outline.locator('li', { hasText: /^⠿\s*Experience/ }), { steps: 12 });
  await outline.locator('.outline-name', { hasText: /^Projects$/ }).first().click();
  const names = await outline.locator('.outline-name').allInnerTexts();
  const about = names.findIndex((name) => name.startsWith('About'));
  assert.equal(names[about + 1], 'Projects');
  assert.ok(names[about + 2].startsWith('Experience'));

  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await inspector.getByRole('button', { name: 'Add project' }).click();
  await inspector.getByLabel('Name', { exact: true }).fill(`Ledger explorer ${run}`);
  await canvas.locator('.project-name', { hasText: `Ledger explorer ${run}` }).waitFor();

  // The two positions of the experience section swapped by dragging one onto the other.
  await outline.locator('.outline-name', { hasText: /^Experience/ }).click();
  await inspector.getByRole('button', { name: 'Drag Backend engineer' }).dragTo(
    inspector.getByRole('button', { name: 'Drag Senior backend engineer' }),
    { steps: 12 },
  );
  await canvas.locator('.section-experience .entry-title').first().filter({ hasText: /^Backend engineer$/ }).waitFor();

  // A photo uploaded through the media endpoint.
  await outline.locator('.outline-name', { hasText: /^Header/ }).click();
  await inspector.getByLabel('Upload photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PIXEL });
  await canvas.locator('img.header-photo[src^="/media/"]').waitFor();

  await inspector.getByRole('button', { name: 'Page style' }).click();
  await inspector.getByLabel('Accent colour').fill('#c2185b');
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  await page.waitForTimeout(1500);
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'edited.png') });

  await page.reload();
  await canvas.locator('.project-name', { hasText: `Ledger explorer ${run}` }).waitFor();
  const reloaded = await page.getByRole('complementary', { name: 'Sections' }).locator('.outline-name').allInnerTexts();
  assert.deepEqual(reloaded, names);
  await canvas.locator('img.header-photo[src^="/media/"]').waitFor();
  const css = await canvas.locator('style').first().textContent();
  assert.match(css, /--color-accent:#c2185b/);

  await page.getByRole('button', { name: 'Publish' }).click();
  const view = page.getByRole('link', { name: 'View page' });
  await view.waitFor();
  const publicUrl = await view.getAttribute('href');

  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const visit = await visitor.newPage();
  const response = await visit.goto(publicUrl);
  assert.equal(response.status(), 200);
  await visit.locator('.project-name', { hasText: `Ledger explorer ${run}` }).waitFor();
  const photo = await visit.locator('img.header-photo').evaluate((image) => image.complete && image.naturalWidth > 0);
  assert.ok(photo, 'the uploaded photo shows on the public page');
  assert.match(await visit.content(), /--color-accent:#c2185b/);
  await visit.screenshot({ path: join(artifacts, 'published.png'), fullPage: true });
  await visitor.close();
  await context.close();
});

test('sections are reordered with the keyboard only, and history restores and un-restores', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole('button', { name: 'New portfolio' }).click();
  const dialog = page.getByRole('dialog', { name: 'A new portfolio' });
  await dialog.getByLabel('Title').fill(`Keyboard ${run}`);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/edit$/);
  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('h1.header-name').waitFor();
  const outline = page.getByRole('complementary', { name: 'Sections' });
  const before = await outline.locator('.outline-name').allInnerTexts();
  const skills = before.findIndex((name) => name.startsWith('Skills'));

  // dnd-kit listens for the arrows only once the lift has been handled: a beat between keys.
  await outline.getByRole('button', { name: /^Drag Skills/ }).focus();
  for (const key of ['Space', 'ArrowUp', 'Space']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(250);
  }
  await page.waitForFunction(
    (expected) => document.querySelectorAll('.outline-name')[expected]?.textContent?.startsWith('Skills'),
    skills - 1,
  );
  const after = await outline.locator('.outline-name').allInnerTexts();
  assert.equal(after[skills - 1], before[skills]);
  assert.equal(after[skills], before[skills - 1]);
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  await page.waitForTimeout(1200);
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();

  // Restore the first version: the canvas shows the old order; then restore the one before
  // the restore, and the reordered page is back.
  await page.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('complementary', { name: 'History' });
  await history.locator('li').nth(1).waitFor();
  const sectionOrder = () => canvas.locator('[data-section-id]').evaluateAll((nodes) => nodes.map((node) => node.className));
  const edited = await sectionOrder();
  await history.locator('li').last().getByRole('button', { name: 'Restore' }).click();
  await page.waitForFunction(
    (expected) => document.querySelectorAll('.outline-name')[expected]?.textContent?.startsWith('Skills'),
    skills,
  );
  await page.getByRole('button', { name: 'History' }).click();
  const restoredOutline = await page.getByRole('complementary', { name: 'Sections' }).locator('.outline-name').allInnerTexts();
  assert.deepEqual(restoredOutline, before);
  await page.screenshot({ path: join(artifacts, 'history-restored.png') });
  const list = page.getByRole('complementary', { name: 'History' }).locator('li');
  await list.nth(1).getByRole('button', { name: 'Restore' }).click();
  await page.waitForFunction(
    (expected) => document.querySelectorAll('.outline-name')[expected]?.textContent?.startsWith('Skills'),
    skills - 1,
  );
  await canvas.locator('[data-section-id]').first().waitFor();
  assert.deepEqual(await sectionOrder(), edited);
  await context.close();
});

/** A new portfolio with the sample content, made through the API with the page's session. */
async function newPortfolio(page, title) {
  const workspaces = await (await page.request.get(`${baseUrl}/api/v1/workspaces`)).json();
  const created = await page.request.post(`${baseUrl}/api/v1/workspaces/${workspaces[0].id}/portfolios`, {
    data: { title, template: 'minimal', start_with: 'sample' },
    headers: { origin: new URL(baseUrl).origin },
  });
  assert.equal(created.status(), 201);
  return created.json();
}

async function openEditor(page, id) {
  await page.goto(`${baseUrl}/app/portfolios/${id}/edit`);
  await page.frameLocator('iframe[title="Page preview"]').locator('h1.header-name').waitFor();
}

async function saved(page) {
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
}

async function rename(page, name) {
  await page.getByRole('complementary', { name: 'Sections' }).locator('.outline-name', { hasText: /^Header/ }).click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Name', { exact: true }).fill(name);
}

async function serverDocument(page, id) {
  return (await page.request.get(`${baseUrl}/api/v1/portfolios/${id}/document`)).json();
}

test('two tabs edit one portfolio: the second save meets the conflict choices', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const first = await context.newPage();
  await signIn(first);
  const portfolio = await newPortfolio(first, `Two tabs ${run}`);
  const second = await context.newPage();
  await openEditor(first, portfolio.id);
  await openEditor(second, portfolio.id);

  // Keep mine: the second tab's document goes on top; the first tab's stays in history.
  await rename(first, 'Name from tab one');
  await saved(first);
  await first.waitForTimeout(1200);
  await rename(second, 'Name from tab two');
  const conflict = second.getByRole('alertdialog');
  await conflict.waitFor();
  await conflict.getByRole('button', { name: 'Show theirs' }).click();
  await second.frameLocator('iframe[title="Page preview"]').locator('h1.header-name', { hasText: 'Name from tab one' }).waitFor();
  await second.screenshot({ path: join(artifacts, 'conflict.png') });
  await conflict.getByRole('button', { name: 'Keep mine', exact: true }).click();
  await second.frameLocator('iframe[title="Page preview"]').locator('h1.header-name', { hasText: 'Name from tab two' }).waitFor();
  await saved(second);
  assert.equal((await serverDocument(first, portfolio.id)).document.sections[0].name, 'Name from tab two');

  // Keep theirs: the first tab, now behind, drops its edit and shows the server's document.
  await first.getByRole('complementary', { name: 'Inspector' }).getByLabel('Headline').fill('Headline from tab one');
  await first.getByRole('alertdialog').waitFor();
  await first.getByRole('alertdialog').getByRole('button', { name: 'Keep theirs' }).click();
  await first.frameLocator('iframe[title="Page preview"]').locator('h1.header-name', { hasText: 'Name from tab two' }).waitFor();
  const afterTheirs = await serverDocument(first, portfolio.id);
  assert.notEqual(afterTheirs.document.sections[0].headline, 'Headline from tab one');

  // Keep mine as a copy: the second tab's edit becomes a new portfolio; the original keeps the
  // first tab's change.
  await rename(first, 'Name from tab one again');
  await saved(first);
  await first.waitForTimeout(1200);
  await rename(second, 'Name for the copy');
  await second.getByRole('alertdialog').waitFor();
  await second.getByRole('alertdialog').getByRole('button', { name: 'Keep mine as a copy' }).click();
  await second.frameLocator('iframe[title="Page preview"]').locator('h1.header-name', { hasText: 'Name from tab one again' }).waitFor();
  assert.equal((await serverDocument(first, portfolio.id)).document.sections[0].name, 'Name from tab one again');
  const workspaces = await (await first.request.get(`${baseUrl}/api/v1/workspaces`)).json();
  const list = await (await first.request.get(`${baseUrl}/api/v1/workspaces/${workspaces[0].id}/portfolios`)).json();
  const copy = list.find((candidate) => candidate.title === `Two tabs ${run} (my copy)`);
  assert.ok(copy, 'the copy exists');
  assert.equal((await serverDocument(first, copy.id)).document.sections[0].name, 'Name for the copy');

  // Every saved document is in the history.
  const versions = await (await first.request.get(`${baseUrl}/api/v1/portfolios/${portfolio.id}/versions`)).json();
  const names = [];
  for (const version of versions) {
    const found = await (await first.request.get(`${baseUrl}/api/v1/versions/${version.id}`)).json();
    names.push(found.document.sections[0].name);
  }
  for (const name of ['Name from tab one', 'Name from tab two', 'Name from tab one again']) {
    assert.ok(names.includes(name), `${name} is in the history (${names})`);
  }
  await context.close();
});

test('edits made offline survive closing the tab and reach the server later', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page);
  const portfolio = await newPortfolio(page, `Offline ${run}`);
  await openEditor(page, portfolio.id);

  await context.setOffline(true);
  await rename(page, 'Written offline');
  await page.getByRole('status').filter({ hasText: /^Offline/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'offline.png') });
  await page.close();

  await context.setOffline(false);
  const again = await context.newPage();
  await openEditor(again, portfolio.id);
  await again.frameLocator('iframe[title="Page preview"]').locator('h1.header-name', { hasText: 'Written offline' }).waitFor();
  await saved(again);
  await again.waitForTimeout(1200);
  await saved(again);
  assert.equal((await serverDocument(again, portfolio.id)).document.sections[0].name, 'Written offline');
  await context.close();
});

test('the dashboard works at phone width', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole('heading', { name: 'Portfolios' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
  await page.getByRole('button', { name: 'New portfolio' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'dashboard-phone.png'), fullPage: true });

  // A small edit in the editor at the same width.
  const portfolio = await newPortfolio(page, `Phone ${run}`);
  await openEditor(page, portfolio.id);
  await rename(page, 'Edited on a phone');
  await saved(page);
  await page.waitForTimeout(1200);
  await saved(page);
  assert.equal((await serverDocument(page, portfolio.id)).document.sections[0].name, 'Edited on a phone');
  const editorOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(editorOverflow <= 0, `the editor does not scroll sideways (${editorOverflow}px too wide)`);
  await page.screenshot({ path: join(artifacts, 'editor-phone.png'), fullPage: true });
  await context.close();
});
