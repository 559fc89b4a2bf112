// A person's first minutes, in a real browser against the running product: sign up, confirm the
// email from the outbox, sign in, rename, invite a colleague, who signs up and accepts.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { waitForLink } from './outbox.mjs';

const baseUrl = process.env.VITRINE_E2E_BASE_URL;
const outbox = process.env.VITRINE_E2E_OUTBOX;
const artifacts = process.env.VITRINE_E2E_ARTIFACTS ?? join(tmpdir(), 'vitrine-artifacts');
const password = 'a long enough secret';
const run = Math.random().toString(36).slice(2, 8);
const ann = { name: 'Ann Lee', email: `ann-${run}@example.com` };
const bob = { name: 'Bob Stone', email: `bob-${run}@example.com` };

let browser;

before(async () => {
  assert.ok(baseUrl && outbox, 'VITRINE_E2E_BASE_URL and VITRINE_E2E_OUTBOX must be set (ops/test starts the product and sets them)');
  await mkdir(artifacts, { recursive: true });
  // Playwright starts Chromium with a fresh temporary profile of its own.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

async function signUpAndConfirm(page, person) {
  await page.goto(`${baseUrl}/app/signup`);
  await page.getByLabel('Full name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();

  const link = await waitForLink(outbox, person.email, '/app/verify-email');
  await page.goto(link);
  await page.getByText('Your email address is confirmed').waitFor();
}

async function signIn(page, person) {
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a new user signs up, renames themselves and a colleague joins by invitation', async () => {
  const annContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await annContext.newPage();

  await signUpAndConfirm(page, ann);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await signIn(page, ann);
  await page.getByRole('heading', { name: 'Welcome, Ann' }).waitFor();

  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByLabel('Full name').fill('Ann Lee-Marsh');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByText('Your profile is saved.').waitFor();
  assert.equal(await page.locator('.account-name').textContent(), 'Ann Lee-Marsh');

  await page.getByRole('link', { name: 'Members' }).click();
  await page.getByRole('heading', { name: /Members of/ }).waitFor();
  await page.getByLabel('Email to invite').fill(bob.email);
  await page.getByLabel('Role', { exact: true }).selectOption('editor');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText(`We emailed an invitation to ${bob.email}.`).waitFor();
  await page.getByText(`${bob.email}`, { exact: true }).waitFor();

  // Bob, in a browser of his own, on a phone-sized screen.
  const bobContext = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const bobPage = await bobContext.newPage();
  const invitation = await waitForLink(outbox, bob.email, '/app/invitations/accept');
  await bobPage.goto(invitation);
  await bobPage.getByRole('heading', { name: 'You are invited' }).waitFor();
  await bobPage.getByRole('link', { name: 'Create an account' }).click();
  await signUpAndConfirm(bobPage, bob);
  await bobPage.goto(invitation);
  await bobPage.getByRole('link', { name: 'Sign in' }).click();
  await signIn(bobPage, bob);
  await bobPage.getByRole('button', { name: 'Accept invitation' }).click();
  await bobPage.getByRole('heading', { name: /Members of/ }).waitFor();
  await bobPage.screenshot({ path: join(artifacts, 'members-phone.png'), fullPage: true });

  await page.reload();
  const bobRow = page.getByRole('row').filter({ hasText: bob.email });
  await bobRow.waitFor();
  assert.equal(await bobRow.getByRole('combobox').inputValue(), 'editor');
  assert.match(await bobRow.textContent(), /Bob Stone/);
  await page.screenshot({ path: join(artifacts, 'members.png'), fullPage: true });

  await annContext.close();
  await bobContext.close();
});
