import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (ephemeral port) for testing clients end to
 * end: `POST /v1/chat/completions` (JSON and SSE in the exact chunk format) and `GET /v1/models`.
 * It records every request and serves scripted replies, including failures.
 */

export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
}

interface ReplyTiming {
  /** Wait before sending headers (a slow server). */
  delayMs?: number;
}

export type FakeReply =
  | string
  | (ReplyTiming & {
      kind: 'text';
      text: string;
      /** How the text is split into stream chunks; default: one chunk per word. */
      chunks?: string[];
      chunkDelayMs?: number;
      finishReason?: string;
      usage?: FakeUsage;
    })
  | (ReplyTiming & {
      kind: 'error';
      status: number;
      message?: string;
      type?: string;
      code?: string;
      headers?: Record<string, string>;
    })
  /** Sends `afterChunks` content chunks of `text`, then destroys the socket (before headers when not streaming). */
  | (ReplyTiming & { kind: 'drop'; text: string; afterChunks: number })
  /** Sends `afterChunks` content chunks, then `data: <raw>` verbatim, then the rest of a normal stream. */
  | (ReplyTiming & { kind: 'malformed'; text: string; afterChunks: number; raw: string })
  /** Sends `afterChunks` content chunks, then nothing while keeping the connection open. */
  | (ReplyTiming & { kind: 'stall'; text: string; afterChunks: number })
  /** Sends an `{"error": …}` object as an SSE data frame after `afterChunks` chunks. */
  | (ReplyTiming & { kind: 'stream-error'; text: string; afterChunks: number; message: string });

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body; `undefined` when empty or not JSON. */
  body: unknown;
  rawBody: string;
}

export type FakeReplyScript =
  FakeReply | FakeReply[] | ((request: RecordedRequest, call: number) => FakeReply);

export interface FakeOpenAiServerOptions {
  /** What chat completions answer; without one every call fails with 500 "no scripted reply". */
  replies?: FakeReplyScript;
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401 like OpenAI's. */
  apiKey?: string;
}

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Chat completion requests only. */
  chatRequests(): RecordedRequest[];
  setReplies(replies: FakeReplyScript): void;
  /** Resolves once a client connection has closed while a reply was still being written. */
  waitForClientAbort(): Promise<void>;
  close(): Promise<void>;
}

let completionCounter = 0;

export async function startFakeOpenAiServer(
  options: FakeOpenAiServerOptions = {},
): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  let script: FakeReplyScript | undefined = options.replies;
  let chatCalls = 0;
  const models = options.models ?? ['fake-model'];
  const timers = new Set<NodeJS.Timeout>();
  const abortWaiters: (() => void)[] = [];
  let clientAborts = 0;

  const sleep = (milliseconds: number, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (milliseconds <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
      response.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });

  const nextReply = (request: RecordedRequest): FakeReply => {
    const call = chatCalls;
    chatCalls += 1;
    if (script === undefined) {
      return {
        kind: 'error',
        status: 500,
        message: 'fake-openai-server: no scripted reply (not implemented)',
      };
    }
    if (typeof script === 'function') return script(request, call);
    if (Array.isArray(script)) {
      return (
        script[call] ?? {
          kind: 'error',
          status: 500,
          message: `fake-openai-server: no scripted reply left for call ${call + 1} (script has ${script.length})`,
        }
      );
    }
    return script;
  };

  const server = createServer((incoming, response) => {
    void handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
      } else {
        response.destroy();
      }
    });
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const path = (incoming.url ?? '/').split('?')[0] as string;
    const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path, headers, body, rawBody };
    requests.push(recorded);

    response.once('close', () => {
      if (!response.writableFinished) {
        clientAborts += 1;
        abortWaiters.splice(0).forEach((resolve) => resolve());
      }
    });

    if (options.apiKey !== undefined && headers['authorization'] !== `Bearer ${options.apiKey}`) {
      return sendError(response, {
        kind: 'error',
        status: 401,
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    }
    if (recorded.method === 'GET' && path === '/v1/models') {
      return sendJson(response, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
      });
    }
    if (recorded.method === 'POST' && path === '/v1/chat/completions') {
      const reply = normalise(nextReply(recorded));
      await sleep(reply.delayMs ?? 0, response);
      if (response.destroyed) return;
      const request = (body ?? {}) as ChatRequestBody;
      if (reply.kind === 'error') return sendError(response, reply);
      if (request.stream === true) return sendStream(response, request, reply);
      switch (reply.kind) {
        case 'drop':
          response.destroy();
          return;
        case 'stall':
          return;
        case 'malformed':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(reply.raw);
          return;
        case 'stream-error':
          return sendError(response, { kind: 'error', status: 500, message: reply.message });
        case 'text':
          return sendJson(response, 200, completionBody(request, reply));
      }
    }
    return sendError(response, {
      kind: 'error',
      status: 404,
      message: `fake-openai-server: no route ${recorded.method} ${path}`,
    });
  }

  async function sendStream(
    response: ServerResponse,
    request: ChatRequestBody,
    reply: Exclude<NormalisedReply, { kind: 'error' }>,
  ) {
    const includeUsage = request.stream_options?.include_usage === true;
    const id = `chatcmpl-fake-${++completionCounter}`;
    const base = {
      id,
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: request.model ?? 'fake-model',
      system_fingerprint: null,
    };
    const frame = (choices: unknown[], usage?: unknown) =>
      `data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: usage ?? null } : {}) })}\n\n`;
    const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });

    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_${id}`,
    });
    response.write(frame([choice({ role: 'assistant', content: '', refusal: null })]));
    const pieces = reply.kind === 'text' && reply.chunks ? reply.chunks : splitWords(reply.text);
    const stopAt = reply.kind === 'text' ? pieces.length : Math.min(reply.afterChunks, pieces.length);
    for (const [index, piece] of pieces.entries()) {
      if (index === stopAt) break;
      if (reply.kind === 'text' && reply.chunkDelayMs) await sleep(reply.chunkDelayMs, response);
      if (response.destroyed) return;
      response.write(frame([choice({ content: piece })]));
    }
    if (reply.kind === 'drop') {
      // Let the written chunks reach the client before the connection goes away.
      await sleep(20, response);
      response.destroy();
      return;
    }
    if (reply.kind === 'stall') return;
    if (reply.kind === 'stream-error') {
      response.end(
        `data: ${JSON.stringify({ error: { message: reply.message, type: 'server_error', code: null } })}\n\n`,
      );
      return;
    }
    if (reply.kind === 'malformed') {
      response.write(`data: ${reply.raw}\n\n`);
      for (const piece of pieces.slice(stopAt)) response.write(frame([choice({ content: piece })]));
    }
    const usage = usageFor(request, reply);
    response.write(frame([choice({}, reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'stop')]));
    if (includeUsage) {
      response.write(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens } })}\n\n`,
      );
    }
    response.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((request) => request.path === '/v1/chat/completions'),
    setReplies: (replies) => {
      script = replies;
      chatCalls = 0;
    },
    waitForClientAbort: () =>
      clientAborts > 0 ? Promise.resolve() : new Promise<void>((resolve) => abortWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface ChatRequestBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { content?: unknown }[];
}

type NormalisedReply = Exclude<FakeReply, string>;

function normalise(reply: FakeReply): NormalisedReply {
  return typeof reply === 'string' ? { kind: 'text', text: reply } : reply;
}

function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text.length > 0 ? [text] : []);
}

function usageFor(request: ChatRequestBody, reply: Exclude<NormalisedReply, { kind: 'error' }>): FakeUsage {
  if (reply.kind === 'text' && reply.usage) return reply.usage;
  const promptCharacters = (request.messages ?? []).reduce(
    (total, message) => total + (typeof message.content === 'string' ? message.content.length : 0),
    0,
  );
  return { promptTokens: Math.ceil(promptCharacters / 4), completionTokens: splitWords(reply.text).length };
}

function completionBody(request: ChatRequestBody, reply: Extract<NormalisedReply, { kind: 'text' }>) {
  const usage = usageFor(request, reply);
  return {
    id: `chatcmpl-fake-${++completionCounter}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: request.model ?? 'fake-model',
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, reply: Extract<NormalisedReply, { kind: 'error' }>) {
  sendJson(
    response,
    reply.status,
    {
      error: {
        message: reply.message ?? `fake error ${reply.status}`,
        type: reply.type ?? (reply.status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: null,
        code: reply.code ?? null,
      },
    },
    reply.headers,
  );
}
