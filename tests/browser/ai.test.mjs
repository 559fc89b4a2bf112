// AI writing end to end, against the stand-in OpenAI server ops/test starts (fake-openai.mjs):
// a portfolio written from a description lands in the editor; the assistant's "Shorten"
// streams a suggestion shown as a diff, which once accepted is on the canvas and saved; new
// sections written for an existing portfolio are inserted from the editor's tray.
// Screenshots go to the artifacts folder.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { baseUrl, demo, launchBrowser, signInAsDemo as signIn } from './harness.mjs';

const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'ai');
const ABOUT = 'I have spent six years building systems that move money safely';
const SHORTENED = 'Six years building money-moving systems; built a Rust payments ledger.';

let browser;
/** The demo's session, signed in once: sign-ins per account are rate limited, and other tests sign in too. */
let session;

before(async () => {
  assert.ok(baseUrl && demo.email && demo.password, 'ops/test sets VITRINE_E2E_BASE_URL and the demo account');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
  const context = await browser.newContext();
  await signIn(await context.newPage());
  session = await context.storageState();
  await context.close();
});

/** A signed-in page on the dashboard. */
async function signedIn(options) {
  const context = await browser.newContext({ ...options, storageState: session });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/app/`);
  await page.getByRole('heading', { name: /Welcome/ }).waitFor();
  return { context, page };
}

after(async () => {
  await browser?.close();
});

async function serverDocument(page, id) {
  return (await page.request.get(`${baseUrl}/api/v1/portfolios/${id}/document`)).json();
}

async function until(check, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a portfolio written by AI opens in the editor, and an accepted suggestion is saved', async () => {
  const { context, page } = await signedIn({ viewport: { width: 1400, height: 1000 } });

  await page.getByRole('button', { name: 'New portfolio' }).click();
  const dialog = page.getByRole('dialog', { name: 'A new portfolio' });
  await dialog.getByRole('radio', { name: /Write it with AI/ }).check();
  const prompt = dialog.getByLabel('Describe your career');
  // The API's complaint shows next to the field it is about.
  await dialog.getByRole('button', { name: 'Write my portfolio' }).click();
  await dialog.getByText('describe your career in a few sentences').waitFor();
  assert.equal(await prompt.getAttribute('aria-invalid'), 'true');
  await dialog.getByRole('button', { name: 'Backend engineer' }).click();
  assert.match(await prompt.inputValue(), /payments ledger/);
  assert.equal(await dialog.getByText('describe your career in a few sentences').count(), 0);
  await prompt.fill("I'm a backend engineer, 6 years at two fintechs, Rust and Go. At Ledgerly I built a double-entry payments ledger. I live in Lisbon.");
  await dialog.getByLabel('Tone').selectOption('friendly');
  await dialog.locator('label.template-choice', { hasText: 'Modern' }).click();
  await page.screenshot({ path: join(artifacts, 'write-with-ai.png') });
  await dialog.getByRole('button', { name: 'Write my portfolio' }).click();

  // The job page shows the draft being written, then opens the editor on its own.
  await page.waitForURL(/\/app\/jobs\/[^/]+$/);
  await page.getByRole('heading', { name: 'AI draft' }).waitFor();
  await page.getByRole('progressbar').waitFor();
  await page.getByText(/Waiting for its turn|Writing your portfolio/).waitFor();
  await page.screenshot({ path: join(artifacts, 'job-progress.png') });
  await page.waitForURL(/\/app\/portfolios\/[^/]+\/edit$/, { timeout: 30_000 });
  const portfolioId = page.url().match(/portfolios\/([^/]+)\/edit/)[1];

  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('h1.header-name', { hasText: 'Ana Ruiz' }).waitFor();
  await canvas.getByText('Ledgerly').first().waitFor();
  await canvas.getByText(ABOUT).waitFor();
  const outline = page.getByRole('complementary', { name: 'Sections' });
  const names = await outline.locator('.outline-name').allInnerTexts();
  assert.deepEqual(names, ['Header: Ana Ruiz', 'About', 'Experience', 'Skills']);
  await page.screenshot({ path: join(artifacts, 'generated.png') });

  // The about section's text, shortened by the assistant: the reply streams in, then shows as a diff.
  await outline.locator('.outline-name', { hasText: /^About$/ }).click();
  await page.getByRole('button', { name: 'Assistant' }).click();
  const assistant = page.getByRole('complementary', { name: 'Assistant' });
  await assistant.getByText(`About · Text: “${ABOUT}`).waitFor();
  await page.evaluate(() => {
    window.replySeen = [];
    new MutationObserver(() => {
      const text = document.querySelector('.assist-reply')?.textContent;
      if (text) window.replySeen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await assistant.getByRole('button', { name: 'Shorten' }).click();
  const suggestion = assistant.getByRole('region', { name: 'Suggestion' });
  await suggestion.locator('.diff ins').first().waitFor();
  const seen = await page.evaluate(() => window.replySeen);
  assert.ok(
    seen.some((text) => text.includes('Six years') && !text.includes('ledger.')),
    `the reply showed while it was being written: ${JSON.stringify(seen)}`,
  );
  const diff = suggestion.locator('.diff');
  assert.equal((await diff.locator('ins').allInnerTexts()).join('').includes('money-moving'), true);
  assert.equal((await diff.locator('del').allInnerTexts()).join('').includes('I have spent'), true);
  assert.equal((await diff.innerText()).replace(/\s+/g, ' ').includes('Six years building'), true);
  await page.screenshot({ path: join(artifacts, 'suggestion.png') });

  await suggestion.getByRole('button', { name: 'Accept' }).click();
  await canvas.getByText(SHORTENED).waitFor();
  assert.equal(await canvas.getByText(ABOUT).count(), 0);
  await assistant.getByText(/Applied to about · text/).waitFor();
  // An accepted suggestion is an edit like any other: undone and redone from the toolbar.
  await page.getByRole('button', { name: 'Undo' }).click();
  await canvas.getByText(ABOUT).waitFor();
  await page.getByRole('button', { name: 'Redo' }).click();
  await canvas.getByText(SHORTENED).waitFor();
  await until(async () => {
    const current = await serverDocument(page, portfolioId);
    return current.document.sections.find((section) => section.type === 'about')?.body === `<p>${SHORTENED}</p>`;
  }, 'the accepted suggestion to be saved');
  const versions = await (await page.request.get(`${baseUrl}/api/v1/portfolios/${portfolioId}/versions`)).json();
  assert.ok(versions.length >= 2, `the accepted suggestion made a version: ${versions.length}`);
  await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'accepted.png') });

  await page.reload();
  await canvas.getByText(SHORTENED).waitFor();
  assert.equal(await canvas.getByText(ABOUT).count(), 0);

  await context.close();

  // On a phone: the assistant under the page, its buttons within the screen.
  const { context: phone, page: small } = await signedIn({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await small.goto(`${baseUrl}/app/portfolios/${portfolioId}/edit`);
  await small.frameLocator('iframe[title="Page preview"]').getByText(SHORTENED).waitFor();
  await small.getByRole('complementary', { name: 'Sections' }).locator('.outline-name', { hasText: /^About$/ }).click();
  await small.getByRole('button', { name: 'Assistant' }).click();
  const shorten = small.getByRole('complementary', { name: 'Assistant' }).getByRole('button', { name: 'Shorten' });
  await shorten.scrollIntoViewIfNeeded();
  const box = await shorten.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `Shorten fits the phone's width: ${JSON.stringify(box)}`);
  const overflow = () => small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok((await overflow()) <= 0, 'the editor does not scroll sideways on a phone');
  await shorten.click();
  const phoneSuggestion = small.getByRole('region', { name: 'Suggestion' });
  // The text is already as short as the stand-in makes it: nothing to change.
  await phoneSuggestion.getByText('The assistant suggests no change to this text.').waitFor();
  await small.waitForTimeout(500);
  await small.screenshot({ path: join(artifacts, 'phone-assistant.png') });
  await phoneSuggestion.getByRole('button', { name: 'Dismiss' }).click();
  await phoneSuggestion.waitFor({ state: 'detached' });

  await small.goto(`${baseUrl}/app/`);
  await small.getByRole('button', { name: 'New portfolio' }).click();
  const phoneDialog = small.getByRole('dialog', { name: 'A new portfolio' });
  await phoneDialog.getByRole('radio', { name: /Write it with AI/ }).check();
  await phoneDialog.getByLabel('Describe your career').waitFor();
  assert.ok((await overflow()) <= 0, 'the dialog does not scroll sideways on a phone');
  await small.screenshot({ path: join(artifacts, 'phone-write-with-ai.png') });
  await phone.close();
});

test('sections written for an existing portfolio are inserted from the editor’s tray', async () => {
  const { context, page } = await signedIn({ viewport: { width: 1400, height: 1000 } });
  const workspaces = await (await page.request.get(`${baseUrl}/api/v1/workspaces`)).json();
  const created = await page.request.post(`${baseUrl}/api/v1/workspaces/${workspaces[0].id}/portfolios`, {
    data: { title: 'AI sections', template: 'minimal', start_with: 'blank' },
    headers: { origin: new URL(baseUrl).origin },
  });
  assert.equal(created.status(), 201);
  const portfolio = await created.json();
  await page.goto(`${baseUrl}/app/portfolios/${portfolio.id}/edit`);
  await page.getByRole('button', { name: 'Assistant' }).click();
  const assistant = page.getByRole('complementary', { name: 'Assistant' });
  await assistant.getByText('Write new sections from a description').click();
  await assistant.getByLabel('What should they say?').fill('Senior engineer at Ledgerly since 2021, building a payments ledger in Rust; I know Rust and Go.');
  await assistant.getByRole('button', { name: 'Write sections' }).click();

  await page.waitForURL(/\/app\/jobs\/[^/]+$/);
  await page.getByText('2 sections are ready for your portfolio').waitFor({ timeout: 30_000 });
  const generated = page.locator('.generated li');
  assert.deepEqual(
    (await generated.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim()),
    ['Experience Senior engineer at Ledgerly Insert', 'Skills Rust, Go Insert'],
  );
  await page.screenshot({ path: join(artifacts, 'preview-job.png') });

  // "Insert" on the job page inserts that section on arrival; the tray offers the rest.
  await generated.filter({ hasText: 'Skills' }).getByRole('link', { name: 'Insert' }).click();
  await page.waitForURL(/\/edit\?ai=[^&]+$/);
  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.getByText('Rust').first().waitFor();
  const tray = page.getByRole('region', { name: 'AI sections' });
  await tray.getByRole('button', { name: 'Insert Experience' }).click();
  await canvas.getByText('Ledgerly').first().waitFor();
  assert.equal(await tray.getByRole('button', { name: 'Insert Skills' }).textContent(), 'Inserted');
  const outline = page.getByRole('complementary', { name: 'Sections' });
  assert.deepEqual(await outline.locator('.outline-name').allInnerTexts(), ['Skills', 'Experience']);
  await page.screenshot({ path: join(artifacts, 'tray.png') });
  await until(async () => (await serverDocument(page, portfolio.id)).document.sections.length === 2, 'the inserted sections to be saved');
  await tray.getByRole('button', { name: 'Close' }).click();
  await page.waitForURL(/\/edit$/);
  await context.close();
});
