import { AppError, describeError } from '../errors.js';
import type { LlmClient, LlmUsage } from '../llm/llm-client.js';
import { buildMoleculeProposalMessages, type PromptLibrary } from '../llm/prompts.js';

/** One molecule as the LLM wrote it, before any chemistry. */
export interface RawProposal {
  /** The string offered as SMILES; for an item without one, the item itself as JSON. */
  smiles: string;
  rationale?: string;
  /** 1-based seed number the LLM says it started from. */
  seed?: number;
  /** Set when the item could not even offer a SMILES string (it is echoed as invalid). */
  problem?: 'no-smiles';
}

/**
 * How the reply was read: `json` (a JSON array, or an object holding one), `json-fragments`
 * (broken or truncated JSON: every `"smiles": "…"` pair), `lines` (one SMILES-looking token per
 * line of prose or a list), `none` (nothing that looks like a molecule).
 */
export type ProposalFormat = 'json' | 'json-fragments' | 'lines' | 'none';

export interface ParsedProposals {
  proposals: RawProposal[];
  format: ProposalFormat;
  /** Proposals beyond `limit`, not returned. */
  truncated: number;
}

const SMILES_KEYS = ['smiles', 'SMILES', 'Smiles', 'smi', 'molecule'];
const RATIONALE_KEYS = ['rationale', 'reason', 'explanation', 'comment'];
const LIST_KEYS = ['molecules', 'candidates', 'proposals', 'results', 'items'];

/** SMILES alphabet: organic-subset atoms, bracket atoms, ring closures, bonds, branches. */
const SMILES_GRAMMAR = /^(?:Cl|Br|[BCNOPSFI]|[bcnops]|\[[^\][\s]+\]|[0-9]|%[0-9]{2}|[=#$:/\\.\-+()@*])+$/;
const SMILES_SYNTAX = /[0-9()=#[\]@/\\]/;
const UPPERCASE_ATOMS_ONLY = /^(?:Cl|Br|[BCNOPSFI])+$/;

/**
 * Reads molecules out of whatever the LLM replied: the requested JSON array, JSON wrapped in
 * prose or Markdown fences, truncated JSON, or plain lists. Nothing is validated here; strings
 * that only look like SMILES come back and are rejected, with RDKit's reason, downstream.
 */
export function parseMoleculeProposals(text: string, limit = Number.POSITIVE_INFINITY): ParsedProposals {
  const body = unwrap(text);
  const fromJson = readJson(body);
  let proposals: RawProposal[];
  let format: ProposalFormat;
  if (fromJson) {
    proposals = fromJson;
    format = 'json';
  } else {
    const fragments = readJsonFragments(body);
    if (fragments.length > 0) {
      proposals = fragments;
      format = 'json-fragments';
    } else {
      proposals = readLines(body);
      format = proposals.length > 0 ? 'lines' : 'none';
    }
  }
  const kept = Number.isFinite(limit) ? proposals.slice(0, Math.max(0, limit)) : proposals;
  return { proposals: kept, format, truncated: proposals.length - kept.length };
}

/** Drops reasoning blocks and keeps the content of Markdown fences when there are any. */
function unwrap(text: string): string {
  const withoutThinking = text.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const fences = [...withoutThinking.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)].map((match) => match[1]!);
  return fences.length > 0 ? fences.join('\n') : withoutThinking;
}

function readJson(body: string): RawProposal[] | undefined {
  const candidates = [body.trim()];
  const start = body.indexOf('[');
  const end = body.lastIndexOf(']');
  if (start !== -1 && end > start) candidates.push(body.slice(start, end + 1));
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const list = Array.isArray(value) ? value : listInside(value);
    if (list) return list.map(toProposal);
  }
  return undefined;
}

function listInside(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of LIST_KEYS) {
    const inner = (value as Record<string, unknown>)[key];
    if (Array.isArray(inner)) return inner as unknown[];
  }
  return undefined;
}

function toProposal(item: unknown): RawProposal {
  if (typeof item === 'string') return { smiles: item.trim() };
  if (typeof item === 'object' && item !== null) {
    const record = item as Record<string, unknown>;
    const smiles = SMILES_KEYS.map((key) => record[key]).find((value) => typeof value === 'string');
    const rationale = RATIONALE_KEYS.map((key) => record[key]).find((value) => typeof value === 'string');
    const seed = record['seed'];
    if (typeof smiles === 'string')
      return {
        smiles: smiles.trim(),
        ...(typeof rationale === 'string' && rationale.trim() !== '' ? { rationale: rationale.trim() } : {}),
        ...(typeof seed === 'number' && Number.isInteger(seed) && seed > 0 ? { seed } : {}),
      };
  }
  return { smiles: abbreviateJson(item), problem: 'no-smiles' };
}

function abbreviateJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function readJsonFragments(body: string): RawProposal[] {
  const proposals: RawProposal[] = [];
  const pattern = new RegExp(`"(?:${SMILES_KEYS.join('|')})"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');
  for (const match of body.matchAll(pattern)) {
    let smiles: string;
    try {
      smiles = JSON.parse(`"${match[1]!}"`) as string;
    } catch {
      smiles = match[1]!;
    }
    proposals.push({ smiles: smiles.trim() });
  }
  return proposals;
}

/**
 * One SMILES-looking token per line. A token counts when it is written in the SMILES alphabet
 * and either has SMILES syntax (ring digits, branches, bonds, brackets) or is at least three
 * organic-subset atoms in capitals ("CCO"), so prose words ("No", "Here", "Bob") are skipped.
 */
function readLines(body: string): RawProposal[] {
  const proposals: RawProposal[] = [];
  for (const line of body.split(/\r?\n/)) {
    const stripped = line.replace(/^\s*(?:[-*•]|\d+[.):])\s+/, '');
    for (const word of stripped.split(/\s+/)) {
      const token = word.replace(/^[`"'“‘]+|[`"'”’,;:.]+$/g, '').replace(/^(?:smiles|SMILES)[:=]/, '');
      if (looksLikeSmiles(token)) {
        const rest = stripped
          .slice(stripped.indexOf(word) + word.length)
          .replace(/^\s*[-–—:]\s*/, '')
          .trim();
        proposals.push({ smiles: token, ...(rest !== '' ? { rationale: rest } : {}) });
        break;
      }
    }
  }
  return proposals;
}

function looksLikeSmiles(token: string): boolean {
  if (token.length < 2 || !SMILES_GRAMMAR.test(token) || /^[0-9]+$/.test(token)) return false;
  return SMILES_SYNTAX.test(token) || (token.length >= 3 && UPPERCASE_ATOMS_ONLY.test(token));
}

export interface LlmProposalInput {
  /** The target as prompts name it. */
  target: string;
  seeds: readonly { smiles: string; name: string; similarity: number; knownBinder: boolean }[];
  count: number;
  signal?: AbortSignal | undefined;
  /** Per call; the run's remaining time budget caps it further. */
  timeoutMs: number;
  temperature: number;
}

export type LlmProposalOutcome =
  | {
      status: 'ok';
      model: string;
      format: ProposalFormat;
      proposals: RawProposal[];
      truncated: number;
      finishReason: string;
      usage: LlmUsage;
    }
  | { status: 'failed'; model: string; reason: string };

/** Output tokens allowed per requested molecule (SMILES plus a one-line rationale), and overhead. */
const TOKENS_PER_MOLECULE = 120;
const TOKEN_OVERHEAD = 256;

/**
 * Asks the LLM for `count` molecules and parses the reply. A failed or timed-out call is an
 * outcome, not an error, so that the genetic algorithm still answers; an aborted request throws.
 */
export async function requestLlmProposals(
  dependencies: { llm: LlmClient; prompts: PromptLibrary },
  input: LlmProposalInput,
): Promise<LlmProposalOutcome> {
  const { llm } = dependencies;
  const messages = buildMoleculeProposalMessages(dependencies.prompts, {
    target: input.target,
    seeds: input.seeds,
    count: input.count,
  });
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(input.timeoutMs)));
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const completion = await llm.complete({
      messages,
      maxTokens: TOKEN_OVERHEAD + TOKENS_PER_MOLECULE * input.count,
      temperature: input.temperature,
      signal,
    });
    const parsed = parseMoleculeProposals(completion.text, input.count * 3);
    return {
      status: 'ok',
      model: llm.model,
      format: parsed.format,
      proposals: parsed.proposals,
      truncated: parsed.truncated,
      finishReason: completion.finishReason,
      usage: completion.usage,
    };
  } catch (error) {
    if (input.signal?.aborted) throw error;
    const reason = timeout.aborted
      ? `LLM timed out after ${input.timeoutMs} ms`
      : error instanceof AppError && error.code === 'TIMEOUT'
        ? `LLM timed out: ${error.message}`
        : `LLM request failed: ${describeError(error)}`;
    return { status: 'failed', model: llm.model, reason };
  }
}
