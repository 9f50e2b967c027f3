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

export type LlmRole = 'system' | 'user' | 'assistant' | 'tool';

export interface LlmMessage {
  role: LlmRole;
  content: string;
  /** On an assistant message: the tools it called (OpenAI `tool_calls`). */
  toolCalls?: LlmToolCall[] | undefined;
  /** On a `tool` message: the call it answers (OpenAI `tool_call_id`). */
  toolCallId?: string | undefined;
}

/** A function the model may call, described by a JSON Schema for its arguments (OpenAI `tools`). */
export interface LlmToolDefinition {
  name: string;
  description?: string | undefined;
  parameters: Record<string, unknown>;
}

/** OpenAI `tool_choice`: none, auto, required, or one named function. */
export type LlmToolChoice = 'none' | 'auto' | 'required' | { name: string };

/** A call the model made; `arguments` is the raw JSON text, unvalidated. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface LlmRequest {
  messages: LlmMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Functions the model may call (non-streaming `complete` only); none when absent. */
  tools?: LlmToolDefinition[] | undefined;
  toolChoice?: LlmToolChoice | undefined;
  /** Cancels the upstream request; the call then rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

/** `content-filter`, `tool-calls` and `other` (provider-specific reasons) are passed on, not thrown. */
export type LlmFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'other';

export interface LlmCompletion {
  text: string;
  usage: LlmUsage;
  finishReason: LlmFinishReason;
  /** Tools the model called instead of (or besides) answering; absent or empty when none. */
  toolCalls?: LlmToolCall[] | undefined;
}

export type LlmStreamEvent =
  { type: 'text-delta'; text: string } | { type: 'finish'; usage: LlmUsage; finishReason: LlmFinishReason };

export type LlmProbeResult =
  | { state: 'not-configured'; detail: string }
  | { state: 'reachable'; detail: string }
  | { state: 'unreachable'; detail: string };
