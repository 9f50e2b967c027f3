import { z } from 'zod';
import { AppError, describeError } from '../../errors.js';
import type { LlmClient, LlmUsage } from '../../llm/llm-client.js';
import { estimateMessageTokens, fitEvidence } from '../../llm/prompt-budget.js';
import {
  buildQaMessages,
  formatEvidenceItem,
  type PromptEvidence,
  type PromptLibrary,
} from '../../llm/prompts.js';
import { isLlmNotConfigured } from '../../llm/unconfigured.js';
import {
  numberEvidence,
  orderEvidence,
  type Evidence,
  type EvidenceDraft,
  type EvidenceEntity,
  type EvidenceSource,
} from '../../retrieval/evidence.js';
import type { RetrievalRequestInput } from '../../retrieval/retrieval-request.js';
import type { Retriever } from '../../retrieval/retriever.js';
import type { EntityLinker } from '../../linking/types.js';
import type { NameLookup } from '../../store/name-lookup.js';
import { noopLogger, type Logger } from '../../util/logger.js';
import type { ChatAgent, ChatAnswer, ChatEvent, ChatInput } from '../chat-agent.js';
import { KgFacts } from '../../kg/kg-facts.js';
import { checkCitations } from './citations.js';
import { checkClaims } from './claim-check.js';
import { conversationContext } from './conversation.js';
import { decisionEvidence, decisionResult, decisionText } from './decision-answer.js';
import { answerOnlyRequested, trailingInstruction } from './question-envelope.js';
import { parseQuestion, type ParsedQuestion } from './question-form.js';
import { linkerOptionNames } from './question-options.js';
import { reviewDecision } from './llm-decision.js';
import { loadDefinitionMentions, type DefinitionMentions } from './definition-mentions.js';
import type { VariantLoci } from './variant-loci.js';
import type { DrugStructures } from './drug-structures.js';
import { decide, type QaDecision, type UnsupportedPolicy } from './reasoner.js';
import { linkEntities, suggestEntities } from './entity-linking.js';
import { evidenceOnlyAnswer } from './evidence-answer.js';
import { classifyQuestion, retrievalTargets, type RetrievalTarget } from './question-intent.js';
import { llmToolDefaults } from '../../config/llm-tools.js';
import { resilientLlmDefaults } from '../../config/llm-guard.js';
import { createQaTools, type QaTool } from './qa-tools.js';
import {
  answerFreeFormWithTools,
  citedOf,
  clientToolOffer,
  pendingToolTurn,
  reviewDecisionWithTools,
  type ToolReviewOutcome,
} from './tool-answer.js';

export const qaAgentOptionsSchema = z.object({
  /** Bridge predictions per subject and target type, unless the request sets `topK`. */
  topK: z.number().int().min(1).max(100).default(5),
  /** KG facts per subject and target type. */
  maxKnownPerType: z.number().int().min(0).max(200).default(8),
  /** Entities linked in one question. */
  maxEntities: z.number().int().min(1).max(10).default(3),
  /** Evidence items at most, before the token budget trims further. */
  maxEvidence: z.number().int().min(1).max(500).default(40),
  /** The whole prompt (system, evidence, question) in estimated tokens; evidence is trimmed by rank to fit. */
  maxPromptTokens: z.number().int().min(256).default(6_000),
  /** Earlier conversation messages (user and assistant) passed to the LLM, newest first within the budget. */
  maxHistoryMessages: z.number().int().min(0).max(50).default(6),
  /** Answer cap unless the request sets `maxTokens`. */
  maxOutputTokens: z.number().int().min(16).max(8_192).default(700),
  temperature: z.number().min(0).max(2).default(0.2),
  /** Deadline for the whole LLM answer; past it the agent answers from evidence. Default: the client's own timeouts. */
  llmTimeoutMs: z.number().int().positive().optional(),
  /** Bridge predictions scoring below this cosine are left out of the evidence (KG facts never are). */
  minPredictionScore: z.number().min(-1).max(1).default(0),
  /** Characters of a definition quoted in an evidence line. */
  definitionCharacters: z.number().int().min(0).max(2_000).default(240),
  /** Prompt template version; default the highest. */
  promptVersion: z.number().int().positive().optional(),
  /**
   * True/false statements the KG does not state: `closed-world` judges them false (with a lower
   * confidence), `undetermined` answers "cannot determine". See the README's QA section for the cost.
   */
  unsupportedStatements: z.enum(['closed-world', 'undetermined']).default('closed-world'),
  /** Weigh indirect KG evidence (ontology neighbours, similar entities, shared neighbours) where no direct fact exists. */
  indirectEvidence: z.boolean().default(true),
  /** True/false: indirect support at which an unstated statement is judged true (default: the reasoner's, chosen on dev). */
  indirectTrueAbove: z.number().min(0).max(1).optional(),
  /** The bounded tool-calling loop (tool-loop.ts); defaults in src/config/llm-tools.ts. */
  tools: z
    .object({
      enabled: z.boolean().default(llmToolDefaults.enabled),
      maxSteps: z.number().int().min(1).max(16).default(llmToolDefaults.maxSteps),
      maxTotalTokens: z.number().int().min(1).default(llmToolDefaults.maxTotalTokens),
      /** One deadline for the whole loop (every step and tool). */
      deadlineMs: z.number().int().positive().default(resilientLlmDefaults.deadlineMs),
    })
    .prefault({}),
});
export type QaAgentOptions = z.input<typeof qaAgentOptionsSchema>;

export interface QaAgentDependencies {
  retriever: Retriever;
  lookup: NameLookup;
  /** Finds the question's entities; without it the lookup's n-gram matches do. */
  linker?: EntityLinker | undefined;
  prompts: PromptLibrary;
  /** Absent or unconfigured: every answer is evidence-only. */
  llm?: LlmClient | undefined;
  /** GWAS statistics and is_a directions of the index; without them ontology reasoning is undirected. */
  facts?: KgFacts | undefined;
  /** Variant positions: locus evidence for variant–disease questions the KG does not answer. */
  variantLoci?: VariantLoci | undefined;
  /** Drug structure similarity (the index's ligand fingerprints): "similar drugs treat it" evidence. */
  drugStructures?: DrugStructures | undefined;
  /**
   * Evaluation only: node pairs whose direct edges the reasoner must not see, set per question by
   * the ablation benchmark (`biobridge eval qa --ablate-direct`).
   */
  ablation?: { hidden: readonly (readonly [number, number])[] } | undefined;
  logger?: Logger;
}

export const NO_LLM_REASON = 'no LLM configured';
export const NO_ENTITY_REASON = 'no entity recognised in the question';
export const NO_EVIDENCE_REASON = 'no evidence found to ground an answer on';

interface Subject {
  entity: EvidenceEntity;
  request: RetrievalRequestInput;
  fieldPrefix: string;
  targets: RetrievalTarget[];
}

interface Prepared {
  question: string;
  subjects: Subject[];
  evidence: Evidence[];
  messages: ReturnType<typeof buildQaMessages>;
  /** Why some subject got no bridge predictions. */
  predictionNotes: string[];
}

const zeroUsage: LlmUsage = { promptTokens: 0, completionTokens: 0 };

type QaSettings = z.output<typeof qaAgentOptionsSchema>;

/** What every stage of an answer reads: settings, dependencies and the state built once per agent. */
interface QaContext {
  settings: QaSettings;
  dependencies: QaAgentDependencies;
  retriever: Retriever;
  prompts: PromptLibrary;
  logger: Logger;
  facts: KgFacts;
  unsupported: UnsupportedPolicy;
  /** Disease definitions, read from the store once on the first decided question; none when unreadable. */
  definitionMentions: () => Promise<DefinitionMentions | undefined>;
  /** The unconfigured stand-in reports model `none`. */
  llmConfigured: boolean;
  ownTools: ReadonlyMap<string, QaTool>;
}

/**
 * Grounded QA: link entities in the question, encode attachments, retrieve KG facts and bridge
 * predictions for each, number them as evidence (E1…), trim them to the prompt budget, and stream
 * the LLM's answer with checked citations. Without a usable LLM the answer is built from the
 * evidence alone.
 */
export function createQaAgent(dependencies: QaAgentDependencies, options: QaAgentOptions = {}): ChatAgent {
  const context = createContext(dependencies, qaAgentOptionsSchema.parse(options));
  return {
    answer: (input: ChatInput) => answer(context, input),
    canCallClientTools: context.llmConfigured,
    warm: async () => {
      // The name lookup and the entity linker are built on first use (seconds over the shared KG's
      // names), as are the definitions: a decided question needs all three.
      const yieldToRequests = () => new Promise((done) => setImmediate(done));
      void dependencies.lookup.size;
      await yieldToRequests();
      // A fuzzy lookup builds the lookup's trigram index (the typo fallback, another second).
      dependencies.lookup.lookup('warm up the typo index', { fuzzy: 'always', limit: 1 });
      await yieldToRequests();
      void dependencies.linker?.size;
      await yieldToRequests();
      await context.definitionMentions();
    },
  };
}

function createContext(dependencies: QaAgentDependencies, settings: QaSettings): QaContext {
  const { retriever, prompts } = dependencies;
  const logger = dependencies.logger ?? noopLogger;
  // Neighbour lists are built on first use (about half a second on the shared KG): build them now,
  // not inside the first question's latency.
  if (retriever.graph.nodeCount > 0) retriever.graph.degree(retriever.graph.nodes.indices[0]!);
  let definitions: Promise<DefinitionMentions | undefined> | undefined;
  const definitionMentions = () =>
    (definitions ??= loadDefinitionMentions(retriever.graph, retriever.store).catch((error: unknown) => {
      logger.warn('disease definitions unavailable to the QA reasoner', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }));
  return {
    settings,
    dependencies,
    retriever,
    prompts,
    logger,
    facts: dependencies.facts ?? KgFacts.empty(),
    unsupported: settings.unsupportedStatements,
    definitionMentions,
    llmConfigured: dependencies.llm !== undefined && dependencies.llm.model !== 'none',
    ownTools: settings.tools.enabled ? createQaTools({ retriever, lookup: dependencies.lookup }) : new Map(),
  };
}

/** Each attachment a question may carry: the subject it stands for, encoded from the attached input. */
const ATTACHMENT_SUBJECTS = [
  { field: 'smiles', type: 'drug', name: 'the attached molecule' },
  { field: 'protein', type: 'gene/protein', name: 'the attached protein' },
] as const;

function subjectsFor(
  context: QaContext,
  input: ChatInput,
  intents: ReturnType<typeof classifyQuestion>,
  linked: ReturnType<typeof linkEntities>,
): Subject[] {
  const { retriever, settings } = context;
  const subjects: Subject[] = [];
  const add = (
    entity: EvidenceEntity,
    headType: string,
    request: Omit<RetrievalRequestInput, 'targetTypes' | 'relations'>,
    fieldPrefix: string,
  ) => {
    const targets = retrievalTargets(retriever.graph, headType, intents);
    if (targets.length === 0) return;
    subjects.push({
      entity,
      fieldPrefix,
      targets,
      request: {
        ...request,
        targetTypes: targets.map((target) => target.tailType),
        relations: [...new Set(targets.flatMap((target) => target.relations))],
        k: input.options?.topK ?? settings.topK,
        maxKnown: settings.maxKnownPerType,
        includeKnown: true,
        includePredicted: true,
      },
    });
  };
  const attachments = input.attachments ?? {};
  for (const { field, type, name } of ATTACHMENT_SUBJECTS) {
    const value = attachments[field];
    if (value !== undefined)
      add({ type, id: `attachment:${field}`, name }, type, { [field]: value }, 'attachments.');
  }
  for (const entity of linked.entities)
    add(
      { type: entity.type, id: entity.id, name: entity.name },
      entity.type,
      { entity: { type: entity.type, id: entity.id } },
      '',
    );
  return subjects;
}

/** KG facts and bridge predictions for every subject, ranked by the question's target types. */
async function retrieveDrafts(
  context: QaContext,
  input: ChatInput,
  subjects: readonly Subject[],
): Promise<{ drafts: EvidenceDraft[]; predictionNotes: string[] }> {
  const { retriever, settings } = context;
  const sources: EvidenceSource[] = [];
  const predictionNotes: string[] = [];
  for (const subject of subjects) {
    const response = await retriever.retrieve(subject.request, {
      signal: input.signal,
      fieldPrefix: subject.fieldPrefix,
      unavailablePredictions: 'skip',
      methodWithoutFusion: 'bridge',
      previewCharacters: settings.definitionCharacters,
    });
    if (!response.query.predictions.available) predictionNotes.push(response.query.predictions.reason);
    const results = response.results.filter(
      (result) => result.known || (result.score !== null && result.score >= settings.minPredictionScore),
    );
    sources.push({ subject: subject.entity, response: { query: response.query, results } });
  }
  const priorityOf = new Map(
    subjects.map((subject) => [subject.entity, subject.targets.map((target) => target.tailType)]),
  );
  const drafts = orderEvidence(sources, {
    priority: (result, subject) => priorityOf.get(subject)?.indexOf(result.type) ?? 0,
  }).slice(0, settings.maxEvidence);
  return { drafts, predictionNotes: [...new Set(predictionNotes)] };
}

async function prepare(context: QaContext, input: ChatInput): Promise<Prepared> {
  const { dependencies, retriever, settings } = context;
  const linked = linkEntities(
    input.messages,
    dependencies.linker ?? dependencies.lookup,
    retriever.entities,
    settings.maxEntities,
  );
  const subjects = subjectsFor(context, input, classifyQuestion(linked.question), linked);
  const { drafts, predictionNotes } = await retrieveDrafts(context, input, subjects);
  // Client instructions and earlier turns get at most a quarter of the prompt; evidence the rest.
  const conversation = conversationContext(
    input.messages,
    Math.floor(settings.maxPromptTokens / 4),
    settings.maxHistoryMessages,
  );
  const render = (evidence: readonly Evidence[]) =>
    buildQaMessages(context.prompts, {
      question: linked.question,
      evidence: evidence.map(toPromptEvidence),
      attachments: { smiles: input.attachments?.smiles, protein: input.attachments?.protein },
      clientInstructions: conversation.clientInstructions,
      history: conversation.history,
      version: settings.promptVersion,
    });
  const budget = Math.max(0, settings.maxPromptTokens - estimateMessageTokens(render([])));
  const evidence = numberEvidence(fitDrafts(drafts, budget));
  return { question: linked.question, subjects, evidence, messages: render(evidence), predictionNotes };
}

/**
 * Streams the evidence-only answer. `streamed` is LLM text already sent (a stream that broke off):
 * it stays, followed by a note, so the client's text and `answer.text` agree.
 */
async function* evidenceOnly(prepared: Prepared, reason: string, streamed = ''): AsyncGenerator<ChatEvent> {
  const sentences = evidenceOnlyAnswer(prepared.evidence);
  if (prepared.predictionNotes.length > 0) sentences.push(`(Note: ${prepared.predictionNotes.join('; ')}.)`);
  const note =
    streamed === '' ? '' : '\n\n(The language model stopped before finishing; evidence summary:)\n';
  let text = streamed;
  for (const [position, sentence] of sentences.entries()) {
    const piece = position === 0 ? `${note}${sentence}` : ` ${sentence}`;
    text += piece;
    yield { type: 'answer-delta', text: piece };
  }
  yield {
    type: 'answer-end',
    answer: finalAnswer(text, prepared.evidence, 'evidence-only', zeroUsage, reason),
  };
}

function toolSettings(context: QaContext, input: ChatInput) {
  return {
    budget: context.settings.tools,
    maxTokens: input.options?.maxTokens ?? context.settings.maxOutputTokens,
    temperature: input.options?.temperature ?? context.settings.temperature,
    signal: input.signal,
  };
}

/**
 * Multiple-choice, true/false, list and identifier questions are decided from KG facts (the
 * reasoner), answer first; undefined for free-form questions, which retrieval answers. With an
 * LLM, the computed answer and its evidence go to the LLM, whose validated JSON answer replaces
 * it; an invalid or failed LLM answer leaves the computed one, and the reason says so.
 */
async function decided(context: QaContext, input: ChatInput): Promise<ChatEvent[] | undefined> {
  const { dependencies, retriever, settings } = context;
  if (input.attachments?.smiles !== undefined || input.attachments?.protein !== undefined) return undefined;
  const question = input.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
  const names = dependencies.linker ? linkerOptionNames(dependencies.linker) : undefined;
  const parsed = parseQuestion(question, input.choices, names);
  // With a configured LLM, list questions keep the retrieval answer, which the LLM writes from more evidence.
  if (parsed.form === 'list' && context.llmConfigured) return undefined;
  const decision = decide(
    {
      graph: retriever.graph,
      facts: context.facts,
      lookup: dependencies.lookup,
      linker: dependencies.linker,
      unsupported: context.unsupported,
      definitions: await context.definitionMentions(),
      loci: dependencies.variantLoci,
      drugStructures: dependencies.drugStructures,
      hidden: dependencies.ablation?.hidden,
      indirect: settings.indirectEvidence,
      indirectTrueAbove: settings.indirectTrueAbove,
    },
    parsed,
  );
  if (!decision) return undefined;
  const reviewed = await reviewDecided(context, input, parsed, decision);
  const { mode, evidence, usage } = reviewed;
  const text = decisionText(
    mode === 'llm'
      ? { ...reviewed.decision, headline: llmHeadline(reviewed.decision, reviewed.explanation) }
      : reviewed.decision,
    evidence,
    labelOf(parsed, reviewed.decision.choice),
    answerOnlyRequested([
      ...input.messages.filter((message) => message.role === 'system').map((message) => message.content),
      trailingInstruction(question),
    ]),
  );
  return [
    { type: 'evidence-available', evidence },
    { type: 'answer-delta', text },
    {
      type: 'answer-end',
      answer: {
        ...finalAnswer(text, evidence, mode, usage, mode === 'llm' ? undefined : reviewed.reason),
        result: decisionResult(reviewed.decision, evidence),
      },
    },
  ];
}

interface ReviewedDecision {
  decision: QaDecision;
  evidence: Evidence[];
  reason: string;
  mode: ChatAnswer['mode'];
  usage: LlmUsage;
  explanation: string;
}

/** The LLM's review of a computed decision, where there is an LLM and the decision is reviewable. */
async function reviewDecided(
  context: QaContext,
  input: ChatInput,
  parsed: ParsedQuestion,
  decision: QaDecision,
): Promise<ReviewedDecision> {
  const { dependencies, settings } = context;
  const evidence = decisionEvidence(context.retriever.graph, decision);
  const computed: ReviewedDecision = {
    decision,
    evidence,
    reason: NO_LLM_REASON,
    mode: 'evidence-only',
    usage: zeroUsage,
    explanation: '',
  };
  const reviewable = decision.form === 'multiple-choice' || decision.verdict !== undefined;
  if (!dependencies.llm || decision.undetermined !== undefined || !reviewable) return computed;
  const review: ToolReviewOutcome =
    settings.tools.enabled && context.llmConfigured
      ? await reviewDecisionWithTools(
          dependencies.llm,
          context.ownTools,
          { question: parsed, decision, evidence },
          toolSettings(context, input),
        )
      : await reviewDecision(dependencies.llm, {
          question: parsed,
          decision,
          evidence,
          maxTokens: input.options?.maxTokens ?? settings.maxOutputTokens,
          temperature: input.options?.temperature ?? settings.temperature,
          signal: input.signal,
        });
  if (review.ok)
    return {
      decision: review.decision,
      evidence: review.evidence ?? evidence,
      reason: NO_LLM_REASON,
      mode: 'llm',
      usage: review.usage,
      explanation: review.explanation,
    };
  if (!review.unconfigured) context.logger.warn('LLM decision rejected', { reason: review.reason });
  return {
    ...computed,
    usage: review.usage,
    reason: review.unconfigured
      ? NO_LLM_REASON
      : `${review.reason}; answered from knowledge-graph evidence only`,
  };
}

async function* answer(context: QaContext, input: ChatInput): AsyncGenerator<ChatEvent> {
  const signal = input.signal;
  const decision = await decided(context, input);
  if (decision) {
    yield* decision;
    return;
  }
  let prepared: Prepared;
  try {
    prepared = await prepare(context, input);
  } catch (error) {
    if (error instanceof AppError && !signal?.aborted) {
      yield { type: 'error', error };
      return;
    }
    throw error;
  }
  signal?.throwIfAborted();
  let toolFallback: string | undefined;
  if (usesToolLoop(context, input)) {
    const outcome = await toolAnswer(context, input, prepared);
    if (Array.isArray(outcome)) {
      yield* outcome;
      return;
    }
    toolFallback = outcome.reason;
  }
  yield { type: 'evidence-available', evidence: prepared.evidence };
  if (prepared.subjects.length === 0) yield* noEntityAnswer(context, prepared);
  else if (prepared.evidence.length === 0) yield* noEvidenceAnswer(prepared);
  else if (!context.dependencies.llm || toolFallback !== undefined)
    yield* evidenceOnly(prepared, toolFallback ?? NO_LLM_REASON);
  else yield* streamLlmAnswer(context, context.dependencies.llm, input, prepared);
}

function* noEntityAnswer(context: QaContext, prepared: Prepared): Generator<ChatEvent> {
  const suggestions = suggestEntities(prepared.question, context.retriever.entities);
  const text =
    'I could not recognise a drug, gene/protein, disease or other knowledge-graph entity in the question, so there is no evidence to answer from.' +
    (suggestions.length > 0
      ? ` Did you mean: ${suggestions.map((suggestion) => `${suggestion.name} (${suggestion.type})`).join(', ')}?`
      : '') +
    ' Name an entity as it appears in the knowledge graph, or attach a SMILES string or protein sequence.';
  yield { type: 'answer-delta', text };
  yield {
    type: 'answer-end',
    answer: finalAnswer(text, [], 'evidence-only', zeroUsage, NO_ENTITY_REASON),
  };
}

function* noEvidenceAnswer(prepared: Prepared): Generator<ChatEvent> {
  const names = prepared.subjects
    .map((subject) => `${subject.entity.name} (${subject.entity.type})`)
    .join(', ');
  const text = `I recognised ${names}, but found no knowledge-graph facts or bridge predictions to answer from.`;
  const notes = prepared.predictionNotes.length > 0 ? ` (${prepared.predictionNotes.join('; ')})` : '';
  yield { type: 'answer-delta', text: text + notes };
  yield {
    type: 'answer-end',
    answer: finalAnswer(text + notes, [], 'evidence-only', zeroUsage, NO_EVIDENCE_REASON),
  };
}

/** The LLM's streamed free-form answer, claims checked; evidence-only when the stream fails. */
async function* streamLlmAnswer(
  context: QaContext,
  llm: LlmClient,
  input: ChatInput,
  prepared: Prepared,
): AsyncGenerator<ChatEvent> {
  const { settings, logger } = context;
  const signal = input.signal;
  const timeout =
    settings.llmTimeoutMs === undefined ? undefined : AbortSignal.timeout(settings.llmTimeoutMs);
  const llmSignal = timeout ? (signal ? AbortSignal.any([signal, timeout]) : timeout) : signal;
  let text = '';
  let usage: LlmUsage = zeroUsage;
  let finishReason: ChatAnswer['finishReason'] = 'stop';
  try {
    for await (const event of llm.stream({
      messages: prepared.messages,
      maxTokens: input.options?.maxTokens ?? settings.maxOutputTokens,
      temperature: input.options?.temperature ?? settings.temperature,
      signal: llmSignal,
    })) {
      if (event.type === 'text-delta') {
        text += event.text;
        yield { type: 'answer-delta', text: event.text };
      } else {
        usage = event.usage;
        if (event.finishReason === 'length') finishReason = 'length';
      }
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = isLlmNotConfigured(error)
      ? NO_LLM_REASON
      : timeout?.aborted
        ? `LLM timed out after ${settings.llmTimeoutMs} ms`
        : error instanceof AppError && error.code === 'TIMEOUT'
          ? `LLM timed out: ${error.message}`
          : `LLM request failed: ${describeError(error)}`;
    logger.warn('answering from evidence only', {
      reason,
      cause: isLlmNotConfigured(error) ? undefined : describeError(error),
    });
    yield* evidenceOnly(prepared, reason, text);
    return;
  }
  // Streamed sentences cannot be taken back: the stream gets the footer at its end, while
  // `answer.text` (all a non-streaming client sees) leaves out the removed sentences.
  const claims = checkClaims(text, prepared.evidence, { entitiesIn: entityNamesIn(context) });
  yield { type: 'answer-delta', text: `\n\n${claims.footer}` };
  yield {
    type: 'answer-end',
    answer: {
      ...finalAnswer(
        [claims.text, claims.footer].filter((part) => part !== '').join('\n\n'),
        prepared.evidence,
        'llm',
        usage,
      ),
      finishReason: finishReason === 'length' ? finishReason : undefined,
    },
  };
}

/** Free-form answers go through the tool loop when ours are on, or the client sent tools or tool results. */
function usesToolLoop(context: QaContext, input: ChatInput): boolean {
  if (!context.llmConfigured) return false;
  return (
    context.ownTools.size > 0 ||
    clientToolOffer(input) !== undefined ||
    pendingToolTurn(input.messages).length > 0
  );
}

/**
 * The free-form answer through the tool loop: the events of an answer (claims checked against
 * the prompt's and the tools' evidence) or of client tool calls, or the reason to fall back.
 */
async function toolAnswer(
  context: QaContext,
  input: ChatInput,
  prepared: Prepared,
): Promise<ChatEvent[] | { reason: string }> {
  const { outcome, evidence } = await answerFreeFormWithTools(
    context.dependencies.llm!,
    context.ownTools,
    {
      messages: prepared.messages,
      evidence: prepared.evidence,
      clientTools: clientToolOffer(input),
      pendingTurn: pendingToolTurn(input.messages),
    },
    toolSettings(context, input),
  );
  if (outcome.kind === 'fallback') {
    const reason = outcome.unconfigured ? NO_LLM_REASON : `${outcome.reason}; answered from evidence only`;
    if (!outcome.unconfigured)
      context.logger.warn('tool loop fell back to evidence', { reason: outcome.reason });
    return { reason };
  }
  const shown = [...prepared.evidence, ...citedOf(evidence, outcome.text)];
  if (outcome.kind === 'client-tool-calls') {
    const answer = finalAnswer(outcome.text, shown, 'llm', outcome.usage);
    return [
      { type: 'evidence-available', evidence: shown },
      ...(outcome.text === '' ? [] : [{ type: 'answer-delta' as const, text: outcome.text }]),
      { type: 'answer-end', answer: { ...answer, finishReason: 'tool-calls', toolCalls: outcome.calls } },
    ];
  }
  const claims = checkClaims(outcome.text, evidence.all, { entitiesIn: entityNamesIn(context) });
  const text = [claims.text, claims.footer].filter((part) => part !== '').join('\n\n');
  return [
    { type: 'evidence-available', evidence: shown },
    { type: 'answer-delta', text },
    {
      type: 'answer-end',
      answer: {
        ...finalAnswer(text, shown, 'llm', outcome.usage),
        finishReason: outcome.finishReason === 'length' ? ('length' as const) : undefined,
      },
    },
  ];
}

/** KG entity names a sentence mentions (exact or normalized matches, no typo tolerance). */
function entityNamesIn(context: QaContext): (sentence: string) => string[] {
  const { linker, lookup } = context.dependencies;
  return (sentence) => {
    if (linker)
      return linker
        .link(sentence, { fuzzy: false, maxCandidates: 1 })
        .spans.filter((span) => !span.ambiguous)
        .flatMap((span) => span.candidates.slice(0, 1).map((candidate) => candidate.name));
    return lookup
      .findMentions(sentence)
      .flatMap((mention) => mention.candidates.slice(0, 1).map((candidate) => candidate.name));
  };
}

function finalAnswer(
  text: string,
  evidence: readonly Evidence[],
  mode: ChatAnswer['mode'],
  usage: LlmUsage,
  reason?: string,
): ChatAnswer {
  const citationCheck = checkCitations(
    text,
    evidence.map((item) => item.id),
  );
  return {
    text,
    citations: citationCheck.valid,
    mode,
    reason,
    usage,
    citationCheck,
    result: { form: 'free-form', confidence: 0, evidence: citationCheck.valid },
  };
}

/** The label the question gave the chosen option ("B"), if it labelled its options. */
function labelOf(parsed: ParsedQuestion, choice: string | undefined): string | undefined {
  const position = choice === undefined ? -1 : (parsed.options ?? []).indexOf(choice);
  return position < 0 ? undefined : parsed.optionLabels?.[position];
}

/** The LLM's decision in the answer's first sentence, then its explanation. */
function llmHeadline(decision: QaDecision, explanation: string): string {
  const lead =
    decision.choice !== undefined
      ? `Answer: ${decision.choice}.`
      : decision.verdict !== undefined
        ? `${decision.verdict ? 'True' : 'False'}.`
        : decision.headline;
  return explanation === '' ? lead : `${lead} ${explanation}`;
}

function toPromptEvidence(item: Evidence): PromptEvidence {
  return { id: item.id, text: item.text, attributes: { kind: item.kind, source: item.source } };
}

/** The leading drafts, in order, whose rendered blocks fit in `budgetTokens`. */
function fitDrafts(drafts: readonly EvidenceDraft[], budgetTokens: number): EvidenceDraft[] {
  const ranked = drafts.map((draft, position) => ({ draft, position, score: -position }));
  const { kept } = fitEvidence(
    ranked,
    budgetTokens,
    (item) => `${formatEvidenceItem(toPromptEvidence({ id: `E${item.position + 1}`, ...item.draft }))}\n`,
  );
  return kept.sort((left, right) => left.position - right.position).map((item) => item.draft);
}
