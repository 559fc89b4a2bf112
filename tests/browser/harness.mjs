// What every browser test starts from: Chromium as this machine can run it, and the demo account.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const baseUrl = process.env.VITRINE_E2E_BASE_URL;
export const demo = { email: process.env.VITRINE_E2E_DEMO_EMAIL, password: process.env.VITRINE_E2E_DEMO_PASSWORD };

/** Chromium, headless, with nothing reaching for the network on its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Signs the page in as the demo. The session is kept for the run and reused by later tests:
 * the product allows an account ten sign-ins in fifteen minutes, fewer than the suite's tests.
 */
export async function signInAsDemo(page) {
  const saved = join(tmpdir(), `vitrine-e2e-demo-session-${new URL(baseUrl).port}.json`);
  try {
    await page.context().addCookies(JSON.parse(await readFile(saved, 'utf8')));
    await page.goto(`${baseUrl}/app/`);
    await page.getByRole('heading', { name: /Welcome/ }).waitFor({ timeout: 5000 });
    return;
  } catch {
    // No session saved yet, or it has ended (a test signed out): sign in.
  }
  await page.goto(`${baseUrl}/app/login`);
  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Welcome/ }).waitFor();
  await writeFile(saved, JSON.stringify(await page.context().cookies()));
}
