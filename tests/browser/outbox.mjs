// Reads the emails the worker wrote to the outbox (.eml files), as a mail client would.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

function decodeQuotedPrintable(text) {
  const bytes = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let index = 0; index < joined.length; index++) {
    const hex = joined.slice(index + 1, index + 3);
    if (joined[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined[index], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded text/plain part of a message. */
export function textPart(eml) {
  const normalized = eml.replace(/\r\n/g, '\n');
  const start = normalized.indexOf('Content-Type: text/plain');
  if (start < 0) throw new Error('the email has no text part');
  const part = normalized.slice(start);
  const split = part.indexOf('\n\n');
  const headers = part.slice(0, split);
  const body = part.slice(split + 2).split('\n--')[0];
  if (/quoted-printable/i.test(headers)) return decodeQuotedPrintable(body);
  if (/base64/i.test(headers)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  return body;
}

/** Waits for an email to `to` whose text has a link containing `pathPart`, and returns the link. */
export async function waitForLink(outbox, to, pathPart, { timeoutMs = 20000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let names = [];
    try {
      names = (await readdir(outbox)).filter((name) => name.endsWith('.eml'));
    } catch {
      // The worker creates the folder with its first email.
    }
    for (const name of names) {
      const eml = await readFile(join(outbox, name), 'utf8');
      const recipient = /^To:\s*(.+)$/im.exec(eml)?.[1] ?? '';
      if (!recipient.toLowerCase().includes(to.toLowerCase())) continue;
      const link = textPart(eml)
        .split(/\s+/)
        .find((word) => word.startsWith('http') && word.includes(pathPart));
      if (link) return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${to} with a ${pathPart} link arrived within ${timeoutMs} ms`);
}
