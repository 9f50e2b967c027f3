/**
 * The narrow model interface agents depend on. Providers (`openai-client.ts`, `unconfigured.ts`,
 * test fakes) implement it; nothing outside `src/llm` imports a provider SDK.
 */
export interface LlmClient {
  /** The model id requests go to, e.g. `gpt-4o-mini`; `none` when unconfigured. */
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmCompletion>;
  /** Yields `text-delta` events, then exactly one `finish`; failures are thrown as `AppError`. */
  stream(request: LlmRequest): AsyncIterable<LlmStreamEvent>;
  /** Cheap reachability check for `/health`; never throws. */
  probe?(signal?: AbortSignal): Promise<LlmProbeResult>;
}

export type LlmRole = 'system' | 'user' | 'assistant';

export interface LlmMessage {
  role: LlmRole;
  content: string;
}

export interface LlmRequest {
  messages: LlmMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Cancels the upstream request; the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

/** `content-filter` and `other` (tool calls, provider-specific reasons) are passed on, not thrown. */
export type LlmFinishReason = 'stop' | 'length' | 'content-filter' | 'other';

export interface LlmCompletion {
  text: string;
  usage: LlmUsage;
  finishReason: LlmFinishReason;
}

export type LlmStreamEvent =
  { type: 'text-delta'; text: string } | { type: 'finish'; usage: LlmUsage; finishReason: LlmFinishReason };

export type LlmProbeResult =
  | { state: 'not-configured'; detail: string }
  | { state: 'reachable'; detail: string }
  | { state: 'unreachable'; detail: string };
