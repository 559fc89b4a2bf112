// What every browser test starts from: Chromium as this machine can run it, and the demo account.
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

export async function signInAsDemo(page) {
  await page.goto(`${baseUrl}/app/login`);
  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Welcome/ }).waitFor();
}
