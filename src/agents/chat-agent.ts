import type { AppError } from '../errors.js';
import type {
  LlmMessage,
  LlmRole,
  LlmToolCall,
  LlmToolChoice,
  LlmToolDefinition,
} from '../llm/llm-client.js';

/**
 * The conversational agent behind `POST /v1/chat` and the OpenAI-compatible face.
 * The HTTP layer only translates its events; retrieval, prompting and the LLM sit behind it.
 */
export interface ChatAgent {
  answer(input: ChatInput): AsyncIterable<ChatEvent>;
  /**
   * Whether a model can call the client's tools (`ChatInput.tools`); false or absent when answers
   * are evidence-only, so `tool_choice: "required"` can be refused before any work.
   */
  readonly canCallClientTools?: boolean | undefined;
  /**
   * Loads what the agent otherwise builds on its first question (the name lookup, its typo index,
   * the entity linker and the QA reasoner's disease definitions: seconds on the shared KG), so the
   * service can do it in the background at start-up.
   */
  warm?(): Promise<void>;
}

// The client speaks the OpenAI message shape, which is the one the model interface speaks: one
// declaration serves both, so a client turn passes to the model without translation.
export type ChatRole = LlmRole;
export type ChatMessage = LlmMessage;
/** A function the client can run (OpenAI `tools`); `parameters` is its JSON Schema. */
export type ClientTool = LlmToolDefinition;
/** OpenAI `tool_choice` over the client's tools. */
export type ClientToolChoice = LlmToolChoice;
/** A call of a client tool, handed back to the client to run; `arguments` is JSON text. */
export type ChatToolCall = LlmToolCall;

/** Inputs for the unimodal encoders, given next to the question. */
export interface ChatAttachments {
  smiles?: string | undefined;
  protein?: string | undefined;
}

export interface ChatOptions {
  /** Cap on generated tokens; the agent's default when absent. */
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** How many evidence items to retrieve. */
  topK?: number | undefined;
}

export interface ChatInput {
  messages: ChatMessage[];
  /** Options of a multiple-choice question, when the client lists them apart from the text. */
  choices?: string[] | undefined;
  attachments?: ChatAttachments | undefined;
  options?: ChatOptions | undefined;
  /** Functions the client runs itself; a model may call them, which ends the answer with `toolCalls`. */
  tools?: ClientTool[] | undefined;
  /** Default `auto`; `none` hides `tools` from the model. */
  toolChoice?: ClientToolChoice | undefined;
  /** Aborted when the client disconnects or the request times out; stop upstream work. */
  signal?: AbortSignal;
}

export interface EvidenceEntity {
  type: string;
  id: string;
  name: string;
}

/** One numbered piece of grounding. Ids (`E1`, `E2`…) are what answers cite. */
export interface EvidenceItem {
  id: string;
  entity: EvidenceEntity;
  relation: string;
  score: number;
  kind: 'kg-fact' | 'bridge-prediction';
  source: string;
  /** The linked entity or attachment the fact is about (the head; `entity` is the tail). */
  subject?: EvidenceEntity;
  /** One-line statement as the model sees it, e.g. `Imatinib —target→ ABL1 (… KG fact)`. */
  text?: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatAnswer {
  text: string;
  /** Evidence ids cited in `text`, in order of first use. */
  citations: string[];
  /** `evidence-only` when no LLM was used (unconfigured, failed, or nothing to ground on). */
  mode: 'llm' | 'evidence-only';
  /** Why the mode is `evidence-only`, for the client. */
  reason?: string | undefined;
  usage: TokenUsage;
  /** `length` when generation stopped at the token cap, `tool-calls` with `toolCalls`. Defaults to `stop`. */
  finishReason?: 'stop' | 'length' | 'tool-calls' | undefined;
  /** Client tools the model called: the client runs them and sends the results as `tool` turns. */
  toolCalls?: ChatToolCall[] | undefined;
  /** How the answer cites the evidence; set by agents that check citations. */
  citationCheck?: CitationCheck | undefined;
  /** The decision in structured form (choice, verdict or items), for clients that score answers. */
  result?: QaResult | undefined;
}

/**
 * The structured answer: which form the question had and what was decided. `choice` is one of the
 * options as written, `verdict` the truth of a statement, `items` the answers of a list question;
 * none is set when the question could not be decided (`undetermined` says why). `confidence` is
 * 0 for free-form answers, which decide nothing.
 */
export interface QaResult {
  form: 'multiple-choice' | 'true-false' | 'list' | 'identifier' | 'free-form';
  choice?: string | undefined;
  verdict?: boolean | undefined;
  items?: string[] | undefined;
  confidence: number;
  /** Evidence ids behind the decision. */
  evidence: string[];
  undetermined?: string | undefined;
}

/** Citations found in an answer, checked against the evidence ids it was given. */
export interface CitationCheck {
  /** Cited ids that exist in the evidence, in order of first use (same as `citations`). */
  valid: string[];
  /** Cited ids that are not in the evidence (the model invented them), in order of first use. */
  unknown: string[];
  /** Sentences in the answer, and how many cite nothing (allowed, e.g. "the evidence does not say"). */
  sentences: number;
  uncitedSentences: number;
}

/**
 * Events in the order an agent emits them: `evidence-available` once, any number of
 * `answer-delta`, then exactly one of `answer-end` or `error`.
 */
export type ChatEvent =
  | { type: 'evidence-available'; evidence: EvidenceItem[] }
  | { type: 'answer-delta'; text: string }
  | { type: 'answer-end'; answer: ChatAnswer }
  | { type: 'error'; error: AppError };
