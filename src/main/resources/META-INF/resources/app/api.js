// The REST API of docs/protocol.md section 8, as the page uses it. Every call carries the session's token; refusals
// become ApiError with the problem body's code, so the page can say what went wrong instead of "error".

/** A refused REST call: `status` is the HTTP status, `code` the problem body's code (protocol.md 8). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || `HTTP_${status}`;
  }
}

/** How often a call answered 429 is tried again, waiting its Retry-After each time. */
const RATE_LIMIT_RETRIES = 2;

export function createApi(getToken) {
  async function call(method, path, body, attempt = 0) {
    const headers = { Authorization: `Bearer ${await getToken()}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 429 && attempt < RATE_LIMIT_RETRIES) {
      const seconds = Number(response.headers.get('Retry-After')) || 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 10) * 1000));
      return call(method, path, body, attempt + 1);
    }
    if (response.status === 204) return null;
    const text = await response.text();
    const json = text ? safeJson(text) : null;
    if (!response.ok) throw new ApiError(response.status, json?.code, json?.message);
    return json;
  }
  const room = (name) => `/api/rooms/${encodeURIComponent(name)}`;
  return {
    rooms: () => call('GET', '/api/rooms').then((r) => r.items),
    roomInfo: (name) => call('GET', room(name)),
    createRoom: (name, title) => call('POST', '/api/rooms', title ? { room: name, title } : { room: name }),
    addMember: (name, userId) => call('PUT', `${room(name)}/members/${encodeURIComponent(userId)}`),
    leaveRoom: (name, userId) => call('DELETE', `${room(name)}/members/${encodeURIComponent(userId)}`),
    /** `{before}` pages back through history, `{}` gives the latest page. */
    messages: (name, { before, limit = 50 } = {}) =>
      call('GET', `${room(name)}/messages?limit=${limit}${before ? `&before=${before}` : ''}`),
    thread: (name, messageId, after = 0) =>
      call('GET', `${room(name)}/messages/${encodeURIComponent(messageId)}/thread?limit=200&after=${after}`),
    notifications: () => call('GET', '/api/notifications').then((r) => r.items),
    markNotificationRead: (id) => call('POST', `/api/notifications/${encodeURIComponent(id)}/read`),
    /** The user's live sessions on every pod (protocol.md 13.4). */
    sessions: (userId) => call('GET', `/api/users/${encodeURIComponent(userId)}/sessions`).then((r) => r.items),
    endSession: (userId, client) =>
      call('DELETE', `/api/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(client)}`),
  };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
