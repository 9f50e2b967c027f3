import type { EntityResolver, EntitySuggestion, ResolvedEntity } from '../../retrieval/entity-resolver.js';
import { STOP_WORDS } from '../../store/english-words.js';
import type { NameLookup } from '../../store/name-lookup.js';
import type { ChatMessage } from '../chat-agent.js';

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
  lookup: NameLookup,
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

function mentionedEntities(
  text: string,
  lookup: NameLookup,
  resolver: EntityResolver,
  maxEntities: number,
): LinkedEntity[] {
  const entities: LinkedEntity[] = [];
  for (const mention of lookup.findMentions(text)) {
    if (entities.length === maxEntities) break;
    const best = mention.candidates[0];
    if (!best || entities.some((entity) => entity.nodeIndex === best.nodeIndex)) continue;
    const entity = resolver.byNodeIndex(best.nodeIndex);
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
