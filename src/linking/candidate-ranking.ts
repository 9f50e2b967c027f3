import type { Match } from './span-matcher.js';
import type { SurfaceIndex } from './surface-index.js';

/**
 * Candidate order within a span, and whether the span is ambiguous.
 *
 * 1. A preferred type (the caller's, or one a neighbouring word names) comes first among the
 *    candidates that match about as well as the best (within PREFERENCE_WINDOW), so a
 *    preference never lifts a typo over an exact name.
 * 2. The contenders are the candidates of that preference within AMBIGUITY_MARGIN of its best
 *    score: the nodes the text cannot tell apart ("Alzheimer disease" is the DO disease, the HPO
 *    phenotype and a pathway). Two or more make the span ambiguous; they are ordered by the
 *    default type priority (a disease before a phenotype of the same name), then score.
 * 3. Everything else follows by score.
 * Remaining ties: name before id before alias, shorter name, lower node index.
 */
export interface RankedCandidates {
  candidates: Match[];
  /** The top candidate and those it cannot be told apart from. */
  contenders: Match[];
  ambiguous: boolean;
  bestScore: number;
}

/** Score gap within which a preferred type outranks a better-scored one. */
export const PREFERENCE_WINDOW = 0.1;
/** Score gap within which candidates of equally preferred types are contenders. */
export const AMBIGUITY_MARGIN = 0.1;

export function rankCandidates(
  index: SurfaceIndex,
  matches: Match[],
  options: { preferred: readonly string[]; typePriority: readonly string[] },
): RankedCandidates {
  const bestScore = matches.reduce((best, match) => Math.max(best, match.score), 0);
  const preferenceRank = new Map<string, number>();
  options.preferred.forEach((type, rank) => {
    if (!preferenceRank.has(type)) preferenceRank.set(type, rank);
  });
  const priorityRank = new Map(options.typePriority.map((type, rank) => [type, rank]));
  const typeName = (match: Match) => index.type[match.entry]!;
  const preference = (match: Match): number =>
    match.score >= bestScore - PREFERENCE_WINDOW
      ? (preferenceRank.get(typeName(match)) ?? preferenceRank.size)
      : Number.MAX_SAFE_INTEGER;
  const priority = (match: Match): number => priorityRank.get(typeName(match)) ?? priorityRank.size;
  const fieldOf = (match: Match): number => (match.surface >= 0 ? index.surfaceField[match.surface]! : 1);
  const ties = (left: Match, right: Match): number =>
    fieldOf(left) - fieldOf(right) ||
    (typeName(left) < typeName(right) ? -1 : typeName(left) > typeName(right) ? 1 : 0) ||
    index.name[left.entry]!.length - index.name[right.entry]!.length ||
    index.nodeIndex[left.entry]! - index.nodeIndex[right.entry]!;

  const byPreference = matches.sort(
    (left, right) =>
      preference(left) - preference(right) ||
      right.score - left.score ||
      priority(left) - priority(right) ||
      ties(left, right),
  );
  const top = byPreference[0];
  if (!top) return { candidates: [], contenders: [], ambiguous: false, bestScore };
  const topPreference = preference(top);
  const isContender = (match: Match) =>
    preference(match) === topPreference && match.score >= top.score - AMBIGUITY_MARGIN;
  const contenders = byPreference
    .filter(isContender)
    .sort((left, right) => priority(left) - priority(right) || right.score - left.score || ties(left, right));
  const candidates = [...contenders, ...byPreference.filter((match) => !isContender(match))];
  return { candidates, contenders, ambiguous: contenders.length > 1, bestScore };
}
