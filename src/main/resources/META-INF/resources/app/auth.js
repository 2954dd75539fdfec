// Where the page's token comes from. In production the embedding application provides it: in the URL fragment
// (`/#token=JWT`, read once and removed from the address bar) or later by postMessage from a parent frame of the
// same origin (`{type: 'roomcast:token', token}`, e.g. a refreshed one). In the dev and test profiles /dev/sign-in
// also signs a token for any user name; in any other profile it answers 404.

import { decodeJwtPayload, tokenExpiryMs } from '/client/jwt.js';

const STORAGE_KEY = 'roomcast.session';
/** Sign in again this long before a development token expires. */
const RENEW_LEAD_MS = 60_000;

/** The token's claims, read without verifying (the client's own reader): the page only shows them, the server decides. */
const claims = (token) => decodeJwtPayload(token) ?? {};

/** When the token expires (epoch ms); Infinity for a token without `exp`. */
const tokenExpiry = (token) => tokenExpiryMs(token) ?? Infinity;

/** The session's token holder: `current()` for REST calls and as the client's getToken. */
export function createTokenSource() {
  let session = load();
  const listeners = new Set();

  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    session = { token: fromFragment, dev: null };
    save(session);
    history.replaceState(null, '', location.pathname + location.search);
  }

  window.addEventListener('message', (event) => {
    // Only the embedding page of this origin may hand over a token: from any other, a framing site could sign the
    // user in as someone else.
    if (event.source !== window.parent || event.source === window || event.origin !== location.origin) return;
    if (event.data?.type !== 'roomcast:token' || typeof event.data.token !== 'string') return;
    session = { token: event.data.token, dev: null };
    save(session);
    listeners.forEach((fn) => fn());
  });

  return {
    get signedIn() {
      return session !== null;
    },
    get userId() {
      return session ? claims(session.token).sub ?? null : null;
    },
    /** The token's roles (`groups`): the page offers moderation to admins. */
    get groups() {
      const groups = session ? claims(session.token).groups : null;
      return Array.isArray(groups) ? groups : [];
    },
    onChange(fn) {
      listeners.add(fn);
    },
    async current() {
      if (!session) throw new Error('not signed in');
      if (session.dev && tokenExpiry(session.token) - Date.now() < RENEW_LEAD_MS) {
        session = await devSignIn(session.dev.userId, session.dev.admin);
        save(session);
      }
      return session.token;
    },
    async signInAsDeveloper(userId, admin) {
      session = await devSignIn(userId, admin);
      save(session);
    },
    signOut() {
      session = null;
      sessionStorage.removeItem(STORAGE_KEY);
    },
  };
}

/** Whether this server is a development build with /dev/sign-in. */
export async function devSignInAvailable() {
  try {
    return (await fetch('/dev/sign-in')).status === 204;
  } catch {
    return false;
  }
}

async function devSignIn(userId, admin) {
  const response = await fetch('/dev/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, admin }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message || `sign-in failed (HTTP ${response.status})`);
  return { token: body.token, dev: { userId, admin } };
}

function load() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (stored && typeof stored.token === 'string' && tokenExpiry(stored.token) > Date.now()) return stored;
    return stored?.dev ? stored : null;
  } catch {
    return null;
  }
}

function save(session) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}
