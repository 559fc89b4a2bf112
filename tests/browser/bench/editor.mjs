// Editor timings for ops/bench, in Chromium against a running platform: the time from a
// keystroke in the inspector to the canvas showing it (50 edits), and the autosave round trip
// of a 50-section document (50 saves). Prints one JSON object.
import { chromium } from 'playwright-core';

const baseUrl = process.env.VITRINE_BENCH_BASE_URL;
const email = process.env.VITRINE_BENCH_EMAIL;
const password = process.env.VITRINE_BENCH_PASSWORD;
const samples = 50;

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  return { median_ms: Number(at(0.5).toFixed(2)), p95_ms: Number(at(0.95).toFixed(2)), samples: sorted.length };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const origin = { origin: new URL(baseUrl).origin };
  const signIn = await page.request.post(`${baseUrl}/api/v1/auth/login`, { data: { email, password }, headers: origin });
  if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
  const [workspace] = await (await page.request.get(`${baseUrl}/api/v1/workspaces`)).json();

  // Keystroke to canvas, on the sample portfolio.
  const sample = await (
    await page.request.post(`${baseUrl}/api/v1/workspaces/${workspace.id}/portfolios`, {
      data: { title: 'Bench', template: 'modern', start_with: 'sample' },
      headers: origin,
    })
  ).json();
  await page.goto(`${baseUrl}/app/portfolios/${sample.id}/edit`);
  const canvas = page.frameLocator('iframe[title="Page preview"]');
  await canvas.locator('h1.header-name').waitFor();
  await page.locator('.outline-name', { hasText: /^Header/ }).click();
  const name = page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Name', { exact: true });
  await name.fill('Maya');
  await canvas.locator('h1.header-name', { hasText: /^Maya$/ }).waitFor();
  // Timed inside the page, from the keydown to the canvas holding the new text, so the
  // numbers are the editor's, not the test driver's.
  await page.evaluate(() => {
    const state = { pressed: null, latencies: [] };
    window.vitrineBench = state;
    const canvasDocument = document.querySelector('iframe[title="Page preview"]').contentDocument;
    document.addEventListener('keydown', () => (state.pressed = performance.now()), true);
    new MutationObserver(() => {
      const heading = canvasDocument.querySelector('h1.header-name');
      if (state.pressed !== null && heading && heading.textContent === document.activeElement?.value) {
        state.latencies.push(performance.now() - state.pressed);
        state.pressed = null;
      }
    }).observe(canvasDocument.documentElement, { childList: true, subtree: true, characterData: true });
  });
  let typed = 'Maya';
  for (let index = 0; index < samples; index += 1) {
    const letter = 'abcdefghijklmnopqrstuvwxyz'[index % 26];
    typed += letter;
    await name.press(letter);
    await canvas.locator('h1.header-name', { hasText: new RegExp(`^${typed}$`) }).waitFor();
  }
  const keystrokes = await page.evaluate(() => window.vitrineBench.latencies);

  // Autosave round trip: the PUT of a 50-section document, as the editor sends it.
  const sections = Array.from({ length: samples }, (_, index) => ({
    type: 'text',
    id: `t${index}`,
    title: `Section ${index}`,
    body: `<p>${'A paragraph of a realistic length, with a few words in it. '.repeat(6)}</p>`,
  }));
  const big = await (
    await page.request.post(`${baseUrl}/api/v1/workspaces/${workspace.id}/portfolios`, {
      data: { title: 'Bench 50', document: { schema_version: 2, sections } },
      headers: origin,
    })
  ).json();
  // Saved from the page with fetch, as the editor's autosave does.
  const saves = await page.evaluate(
    async ({ id, revision, sections, count }) => {
      const times = [];
      let base = revision;
      for (let index = 0; index < count; index += 1) {
        sections[index % sections.length].title = `Section ${index} edited`;
        const started = performance.now();
        const answer = await fetch(`/api/v1/portfolios/${id}/document`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-editor-id': 'bench' },
          body: JSON.stringify({ base_revision: base, document: { schema_version: 2, sections } }),
        });
        const body = await answer.json();
        times.push(performance.now() - started);
        if (!answer.ok) throw new Error(`save failed: ${answer.status}`);
        base = body.revision;
      }
      return times;
    },
    { id: big.id, revision: big.revision, sections, count: samples },
  );
  console.log(JSON.stringify({ keystroke_to_canvas: summary(keystrokes), autosave_round_trip: summary(saves) }));
} finally {
  await browser.close();
}
