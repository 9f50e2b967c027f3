/**
 * False links in ordinary English: links every sentence of plain prose files (default: the
 * licence texts Debian ships in /usr/share/common-licenses, which name no biomedical entity) with
 * the linker of two indexes, and prints each span the second finds that the first does not, with
 * its top candidate and source. Every such span is a candidate false link a new name table added.
 *
 *   npx tsx eval/bench/ordinary-text-links.ts --before /work/idx/synonyms-x --after /work/idx/qalink-x \
 *     [--files /usr/share/common-licenses/GPL-3,/usr/share/common-licenses/Apache-2.0]
 */
import { readFile } from 'node:fs/promises';
import { readLookupEntries } from '../../src/indexing/lookup-entries.js';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({
  before: null,
  after: null,
  files: ['GPL-3', 'Apache-2.0', 'MPL-2.0', 'Artistic']
    .map((name) => `/usr/share/common-licenses/${name}`)
    .join(','),
});
if (values.before === undefined || values.after === undefined)
  throw new Error('--before and --after are required');

const sentences: string[] = [];
for (const file of values.files.split(','))
  sentences.push(
    ...(await readFile(file, 'utf8'))
      .replace(/\s+/g, ' ')
      .split(/(?<=[.;:?!])\s+/)
      .filter((sentence) => /[a-z]{3}/.test(sentence)),
  );
const linkers = {
  before: createEntityLinker(await readLookupEntries(values.before)),
  after: createEntityLinker(await readLookupEntries(values.after)),
};
const counts = { before: 0, after: 0, added: 0, words: 0 };
const added: string[] = [];
for (const sentence of sentences) {
  counts.words += sentence.split(/\s+/).length;
  const spansOf = (which: keyof typeof linkers) => linkers[which].link(sentence).spans;
  const before = spansOf('before');
  const after = spansOf('after');
  counts.before += before.length;
  counts.after += after.length;
  for (const span of after) {
    const top = span.candidates[0];
    const same = before.find((other) => other.start === span.start && other.end === span.end);
    if (same && same.candidates[0]?.nodeIndex === top?.nodeIndex) continue;
    counts.added++;
    added.push(
      `"${span.surface}" → ${top?.name ?? '?'} (${top?.type ?? '?'}, ${top?.matchedBy ?? '?'}${
        top?.source === undefined ? '' : `, ${top.source}`
      }) in: ${sentence.slice(Math.max(0, span.start - 40), span.end + 40)}`,
    );
  }
}
console.log(JSON.stringify({ sentences: sentences.length, ...counts }));
for (const line of added) console.log(line);
