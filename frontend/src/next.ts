// After signing in, people go back where they were, but only to a page of this app: a `next`
// pointing anywhere else (another site, a protocol-relative URL) is replaced by the home page.

export function safeNext(next: string | null | undefined): string {
  if (!next) return '/';
  const inApp = next.startsWith('/app/') || next === '/app';
  const control = [...next].some((character) => character.charCodeAt(0) < 0x20);
  if (!inApp || next.startsWith('//') || next.includes('\\') || control) return '/';
  const path = next.slice('/app'.length);
  return path === '' ? '/' : path;
}

/** `next` for the login page, from a location inside the app's router. */
export function nextFrom(pathname: string, search: string): string {
  return `/app${pathname}${search}`;
}
