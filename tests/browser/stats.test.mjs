// The statistics page with a few weeks of generated traffic plus a real visit through the
// router: totals, the chart, countries with flags; on a desktop and on a phone. Screenshots go
// to the artifacts folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { baseUrl, launchBrowser, signInAsDemo } from './harness.mjs';

const database = process.env.VITRINE_DATABASE_URL;
const demoSite = process.env.VITRINE_E2E_DEMO_SITE;
const artifacts = join(process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts'), 'stats');

let browser;

before(async () => {
  assert.ok(baseUrl && database && demoSite, 'ops/test starts the product and sets the variables');
  await mkdir(artifacts, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Six weeks of views of the demo's "modern" portfolio, as the recorder would have written them. */
function generateTraffic() {
  execFileSync('psql', [database, '-qtAX', '-v', 'ON_ERROR_STOP=1', '-c', `
    INSERT INTO page_views (portfolio_id, workspace_id, viewed_at, country, referrer, device, visitor)
    SELECT p.id, p.workspace_id,
           now() - make_interval(mins => (random() * 42 * 24 * 60)::int),
           (ARRAY['US', 'US', 'GB', 'DE', 'FR', 'PT', 'IN', NULL])[1 + floor(random() * 8)::int],
           (ARRAY[NULL, NULL, 'google.com', 'linkedin.com', 'news.ycombinator.com'])[1 + floor(random() * 5)::int],
           (ARRAY['desktop', 'desktop', 'phone', 'tablet'])[1 + floor(random() * 4)::int],
           decode(lpad(to_hex((random() * 400)::int), 32, '0'), 'hex')
    FROM portfolios p, generate_series(1, 1500)
    WHERE p.slug = 'modern'`]);
}

test('the statistics of a portfolio with traffic read at a glance', async () => {
  generateTraffic();
  // Headless Chromium on the public page: a robot by its user agent, tallied apart.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const response = await visitor.goto(`${demoSite}/modern`);
  assert.equal(response.status(), 200);
  await visitorContext.close();

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAsDemo(page);
  // Other tests make portfolios in the modern design too: this is the demo's own.
  const card = page.locator('.portfolio-card').filter({ has: page.getByRole('heading', { name: 'Portfolio — Modern', exact: true }) });
  // The worker rolls the views up within seconds; the card's sparkline counts them.
  for (let attempt = 0; attempt < 60; attempt++) {
    await page.reload();
    if (/[1-9][\d,]* views/.test(await card.locator('.card-views').textContent())) break;
    await page.waitForTimeout(1000);
  }
  assert.match(await card.locator('.card-views').textContent(), /[1-9][\d,]* views/);
  await card.locator('.card-views').click();
  await page.getByRole('heading', { name: /Statistics of/ }).waitFor();
  await page.locator('.views-chart canvas').waitFor();
  const views = Number((await page.locator('.stat-value').first().textContent()).replaceAll(',', ''));
  assert.ok(views > 500, `about a thousand views in 30 days: ${views}`);
  assert.equal(await page.locator('.stat-value').nth(2).textContent(), '1', 'the headless visit is a robot');
  await page.getByText('🇺🇸 United States').waitFor();
  await page.getByText('news.ycombinator.com').waitFor();
  await page.screenshot({ path: join(artifacts, 'portfolio-30-days.png'), fullPage: true });

  await page.getByRole('button', { name: '7 days' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.views-chart canvas').length === 1);
  await page.getByRole('button', { name: '12 months' }).click();
  await page.locator('.views-chart canvas').waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, 'portfolio-phone.png'), fullPage: true });
  await page.getByRole('link', { name: 'Statistics' }).click();
  await page.getByRole('heading', { name: /Statistics of Demo Owner/ }).waitFor();
  await page.getByRole('link', { name: 'Portfolio — Modern' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'workspace-phone.png'), fullPage: true });
  await context.close();
});
