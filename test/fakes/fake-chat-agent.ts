import type {
  ChatAgent,
  ChatAnswer,
  ChatEvent,
  ChatInput,
  EvidenceItem,
} from '../../src/agents/chat-agent.js';
import { AppError } from '../../src/errors.js';

/** One run's events; `delayMs` waits before each event (abortable), `throwAfter` throws once they are out. */
export interface FakeChatRun {
  events: ChatEvent[];
  delayMs?: number;
  throwAfter?: unknown;
}

export type FakeChatScript =
  ChatEvent[] | FakeChatRun | FakeChatRun[] | ((input: ChatInput, call: number) => ChatEvent[] | FakeChatRun);

export interface RecordedChatCall {
  input: ChatInput;
  /** `completed` (all events out), `stopped` (consumer stopped early), `aborted` (signal), `threw`. */
  outcome: 'running' | 'completed' | 'stopped' | 'aborted' | 'threw';
}

export interface FakeChatAgent extends ChatAgent {
  readonly calls: RecordedChatCall[];
}

/**
 * A scripted ChatAgent that records every call. Without a script each call fails with
 * "not implemented", so a test cannot pass by accident.
 */
export function createFakeChatAgent(script?: FakeChatScript): FakeChatAgent {
  const calls: RecordedChatCall[] = [];

  const runFor = (input: ChatInput, call: number): FakeChatRun => {
    if (script === undefined) {
      return {
        events: [],
        throwAfter: new AppError({ code: 'INTERNAL', message: 'fake chat agent: not implemented' }),
      };
    }
    if (typeof script === 'function') return normalise(script(input, call));
    if (Array.isArray(script) && script.length > 0 && !('type' in (script[0] as object))) {
      const runs = script as FakeChatRun[];
      const run = runs[call];
      if (!run)
        throw new Error(`fake chat agent: no scripted run for call ${call + 1} (script has ${runs.length})`);
      return run;
    }
    return normalise(script as ChatEvent[] | FakeChatRun);
  };

  return {
    calls,
    answer(input: ChatInput): AsyncIterable<ChatEvent> {
      const record: RecordedChatCall = { input, outcome: 'running' };
      const run = runFor(input, calls.length);
      calls.push(record);
      return (async function* () {
        let finished = false;
        try {
          for (const event of run.events) {
            if (run.delayMs) await sleep(run.delayMs, input.signal);
            yield event;
          }
          if (run.throwAfter !== undefined) throw run.throwAfter;
          finished = true;
          record.outcome = 'completed';
        } catch (error) {
          record.outcome = input.signal?.aborted ? 'aborted' : 'threw';
          throw error;
        } finally {
          if (!finished && record.outcome === 'running')
            record.outcome = input.signal?.aborted ? 'aborted' : 'stopped';
        }
      })();
    },
  };
}

function normalise(run: ChatEvent[] | FakeChatRun): FakeChatRun {
  return Array.isArray(run) ? { events: run } : run;
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const sampleEvidence: EvidenceItem[] = [
  {
    id: 'E1',
    entity: { type: 'gene/protein', id: '25', name: 'ABL1' },
    relation: 'target',
    score: 0.93,
    kind: 'kg-fact',
    source: 'primekg:drug_protein',
  },
  {
    id: 'E2',
    entity: { type: 'gene/protein', id: '3815', name: 'KIT' },
    relation: 'target',
    score: 0.71,
    kind: 'bridge-prediction',
    source: 'biobridge',
  },
];

/** The usual event sequence: evidence, one delta per word, then the answer. */
export function answerEvents(
  text: string,
  answer: Partial<ChatAnswer> = {},
  evidence: EvidenceItem[] = sampleEvidence,
): ChatEvent[] {
  const deltas = (text.match(/\s*\S+/g) ?? []).map((piece): ChatEvent => ({
    type: 'answer-delta',
    text: piece,
  }));
  return [
    { type: 'evidence-available', evidence },
    ...deltas,
    {
      type: 'answer-end',
      answer: {
        text,
        citations: answer.citations ?? [...new Set(text.match(/E\d+/g) ?? [])],
        mode: answer.mode ?? 'llm',
        usage: answer.usage ?? { promptTokens: 120, completionTokens: deltas.length },
        ...(answer.reason === undefined ? {} : { reason: answer.reason }),
        ...(answer.finishReason === undefined ? {} : { finishReason: answer.finishReason }),
      },
    },
  ];
}
