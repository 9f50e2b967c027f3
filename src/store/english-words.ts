/**
 * Word lists for mention finding. Hand-curated: they only need to cover words that occur in
 * questions and collide with KG names or symbols, not the whole language.
 */

/** Function words: never a mention on their own, and never the first or last word of one. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing done down during each either else ever few
  for from further had has have having he her here hers herself him himself his how however i if in
  into is it its itself just may me might more most much must my myself neither no nor not now of
  off on once only or other others our ours ourselves out over own per please same shall she should
  so some such than that the their theirs them themselves then there these they this those through
  thus to too under until up upon us very via was we were what whatever when where whereas whether
  which while who whom whose why will with within without would yet you your yours yourself
  yourselves list give show tell find name names explain describe compare known known-to versus vs
  etc e.g i.e`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Domain words that questions use generically ("which proteins…", "the role of…"). Some are
 * KG names too (GO's "binding", "cell", "growth"), but alone they almost never mean that node.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  `protein proteins gene genes drug drugs compound compounds molecule molecules medication
  medications medicine medicines disease diseases disorder disorders condition conditions illness
  target targets targeted targeting role roles function functions process processes pathway
  pathways mechanism mechanisms effect effects side symptom symptoms phenotype phenotypes sign signs
  variant variants mutation mutations cell cells tissue tissues organ organs binding bind binds
  transport growth death response responses activity activities expression expressed regulation
  regulate regulates development signaling signalling interaction interactions interact interacts
  associated association associations related relation relations relationship link linked links
  treatment treatments treat treats treated therapy therapies cause causes caused risk involved
  involve involves used use uses using patient patients human humans level levels type types kind
  kinds similar structure structures new novel candidate candidates design designs good best high
  low increase increased decrease decreased affect affects affected`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Common English words that are also HGNC symbols (or other all-capital KG names) of four
 * letters or more; shorter all-capital names need an exact-case match anyway.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `ache ankh boll camp caps cask cast chat clock coil comp cope gale hells hunk impact itch mall
  musk nodal numb palm perp pigs plat pole poll pomp prep rest sell star tank trio oscar marco
  diablo snapin`
    .split(/\s+/)
    .filter(Boolean),
);

export function isCommonWord(lowercase: string): boolean {
  return STOP_WORDS.has(lowercase) || GENERIC_WORDS.has(lowercase) || COMMON_WORDS.has(lowercase);
}
