// The one place the browser talks to the API: bearer token, JSON errors shown with the API's
// own message, and server-sent events read from a POST (EventSource cannot send a body or headers).

const TOKEN_KEY = 'biobridge.token';

export const authRequired = document.body.dataset.authRequired === 'true';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new CustomEvent('token-changed'));
}

export class ApiError extends Error {
  constructor(message, { status = 0, code = 'NETWORK', requestId } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

function headers(json) {
  const result = {};
  if (json) result['content-type'] = 'application/json';
  const token = getToken();
  if (token) result.authorization = `Bearer ${token}`;
  return result;
}

async function errorFrom(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (response.status === 401) window.dispatchEvent(new CustomEvent('auth-required'));
  return new ApiError(error?.message ?? `${response.status} ${response.statusText}`, {
    status: response.status,
    code: error?.code ?? 'HTTP',
    requestId: error?.requestId,
  });
}

async function send(path, { method = 'GET', body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(`cannot reach the server: ${error?.message ?? error}`);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** JSON in, JSON out; throws ApiError carrying the API's message. */
export async function api(path, options = {}) {
  return (await send(path, options)).json();
}

export async function apiText(path, options = {}) {
  return (await send(path, options)).text();
}

/** POSTs `body` and yields `{event, data}` for each server-sent event; an `error` event throws. */
export async function* streamEvents(path, body, signal) {
  const response = await send(path, { method: 'POST', body, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, '\n');
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      const text = data.join('\n');
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      if (event === 'error') {
        const error = parsed?.error ?? {};
        throw new ApiError(error.message ?? 'the stream ended with an error', {
          code: error.code ?? 'STREAM',
          requestId: error.requestId,
        });
      }
      yield { event, data: parsed };
    }
  }
}

/** `gene/protein` → `/v1/entities/gene%2Fprotein/25`-style path pieces. */
export const entityPath = (type, id) => `/v1/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
export const entityHref = (type, id) => `#/entity/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
