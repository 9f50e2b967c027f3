import type { EntityLinker } from '../../linking/types.js';
import type { EntityResolver, EntitySuggestion, ResolvedEntity } from '../../retrieval/entity-resolver.js';
import { STOP_WORDS } from '../../store/english-words.js';
import type { NameLookup } from '../../store/name-lookup.js';
import type { ChatMessage } from '../chat-agent.js';

/**
 * Where mentions come from: the entity linker (`src/linking`), or, for callers built without
 * one, the name lookup's n-gram matches.
 */
export type MentionSource = Pick<EntityLinker, 'link'> | Pick<NameLookup, 'findMentions'>;

export interface LinkedEntity extends ResolvedEntity {
  /** The text in the question that named it. */
  mention: string;
}

export interface LinkResult {
  /** The question being answered: the last user message. */
  question: string;
  entities: LinkedEntity[];
  /** `earlier-message` when the question named nothing and an earlier user message did ("and its side effects?"). */
  linkedFrom: 'question' | 'earlier-message' | 'nothing';
}

/**
 * Entities mentioned in the last user message (the lookup's longest non-overlapping matches, top
 * candidate each), at most `maxEntities`, in order of appearance. When it names none, the most
 * recent earlier user message that does is used, so that follow-up questions keep their subject.
 */
export function linkEntities(
  messages: readonly ChatMessage[],
  lookup: MentionSource,
  resolver: EntityResolver,
  maxEntities: number,
): LinkResult {
  const userMessages = messages.filter((message) => message.role === 'user');
  const question = userMessages.at(-1)?.content ?? '';
  for (let position = userMessages.length - 1; position >= 0; position--) {
    const entities = mentionedEntities(userMessages[position]!.content, lookup, resolver, maxEntities);
    if (entities.length > 0)
      return {
        question,
        entities,
        linkedFrom: position === userMessages.length - 1 ? 'question' : 'earlier-message',
      };
  }
  return { question, entities: [], linkedFrom: 'nothing' };
}

/**
 * Each mention's text and its top candidate, in order of appearance. Typo matches are left out:
 * a misspelt name gets "did you mean …" rather than silently becoming an entity.
 */
function mentionsIn(text: string, source: MentionSource): { text: string; nodeIndex: number | undefined }[] {
  if ('link' in source)
    return source
      .link(text, { fuzzy: false })
      .spans.map((span) => ({ text: span.surface, nodeIndex: span.candidates[0]?.nodeIndex }));
  return source
    .findMentions(text)
    .map((mention) => ({ text: mention.text, nodeIndex: mention.candidates[0]?.nodeIndex }));
}

function mentionedEntities(
  text: string,
  source: MentionSource,
  resolver: EntityResolver,
  maxEntities: number,
): LinkedEntity[] {
  const entities: LinkedEntity[] = [];
  for (const mention of mentionsIn(text, source)) {
    if (entities.length === maxEntities) break;
    const nodeIndex = mention.nodeIndex;
    if (nodeIndex === undefined || entities.some((entity) => entity.nodeIndex === nodeIndex)) continue;
    const entity = resolver.byNodeIndex(nodeIndex);
    if (entity) entities.push({ ...entity, mention: mention.text });
  }
  return entities;
}

const WORD_PATTERN = /[\p{L}\p{N}][\p{L}\p{N}'’\-/.:]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const MIN_SUGGESTION_WORD = 4;

/**
 * Names close to the question's words and word pairs, for "did you mean …" when nothing linked:
 * fuzzy matches of every word of four or more letters that is not a stop word, best first.
 */
export function suggestEntities(question: string, resolver: EntityResolver, limit = 5): EntitySuggestion[] {
  const words = [...question.matchAll(WORD_PATTERN)].map((match) => match[0]);
  const content = words.filter(
    (word) => word.length >= MIN_SUGGESTION_WORD && !STOP_WORDS.has(word.toLowerCase()),
  );
  const phrases = [
    ...content,
    ...words
      .slice(1)
      .map((word, position) => `${words[position]} ${word}`)
      .filter((pair) => {
        const [left, right] = pair.split(' ') as [string, string];
        return !STOP_WORDS.has(left.toLowerCase()) && !STOP_WORDS.has(right.toLowerCase());
      }),
  ];
  const best = new Map<string, EntitySuggestion>();
  for (const phrase of phrases)
    for (const suggestion of resolver.suggest(phrase, undefined, 3)) {
      const key = `${suggestion.type}\u0000${suggestion.id}`;
      const previous = best.get(key);
      if (!previous || previous.score < suggestion.score) best.set(key, suggestion);
    }
  return [...best.values()]
    .sort((left, right) => right.score - left.score || left.name.localeCompare(right.name, 'en'))
    .slice(0, limit);
}
