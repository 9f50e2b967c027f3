/**
 * WordNet noun synsets (Debian `wordnet-base`, Princeton WordNet 3.0 licence: free use with its
 * copyright notice) read from `data.noun`: each synset is a set of names for one sense, which is
 * where lay names and eponyms meet clinical ones ("amyotrophic lateral sclerosis, ALS, Lou
 * Gehrig's disease"). Pure parsing; `lexicon-synonyms.ts` decides which names a KG node gets.
 */

export interface WordnetSynset {
  /** Byte offset of the synset in `data.noun`, its WordNet id. */
  offset: string;
  /** Lexicographer file number (26 = noun.state, where diseases live; 27 = noun.substance). */
  lexFile: number;
  /** Part of speech: n, v, a, s (satellite adjective) or r. */
  pos: string;
  /** Its words as written, underscores turned to spaces, syntactic markers removed. */
  lemmas: string[];
}

/** `offset lex_filenum ss_type w_cnt (word lex_id)×w_cnt …`: w_cnt is two hex digits. */
const SYNSET_HEAD = /^(\d{8}) (\d{2}) ([nvasr]) ([0-9a-f]{2}) /;

/**
 * Every synset in a WordNet `data.*` text (`data.noun`, `data.verb`…); licence header lines
 * (starting with spaces) are skipped.
 */
export function parseWordnetData(text: string): WordnetSynset[] {
  const synsets: WordnetSynset[] = [];
  for (const line of text.split('\n')) {
    const head = SYNSET_HEAD.exec(line);
    if (!head) continue;
    const count = Number.parseInt(head[4]!, 16);
    const fields = line.slice(head[0].length).split(' ');
    const lemmas: string[] = [];
    for (let position = 0; position < count; position++) {
      const word = fields[position * 2];
      if (word === undefined) break;
      lemmas.push(word.replace(/\((?:a|p|ip)\)$/, '').replace(/_/g, ' '));
    }
    synsets.push({ offset: head[1]!, lexFile: Number(head[2]), pos: head[3]!, lemmas });
  }
  return synsets;
}
