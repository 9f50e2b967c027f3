import { readLookupEntries } from '../../indexing/lookup-entries.js';
import { createEntityLinker } from '../../linking/entity-linker.js';
import type { LinkOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

/** Exit code 0 when something was linked, 1 when nothing was. */
export async function run(context: CommandContext<LinkOptions>): Promise<number> {
  const [indexDirectory = '', text = ''] = context.positionals;
  const { options } = context;
  const linker = createEntityLinker(await readLookupEntries(indexDirectory));
  const result = linker.link(text, {
    types: options.type,
    preferTypes: options.prefer,
    maxCandidates: options.limit,
    fuzzy: !options['no-fuzzy'],
  });
  if (options.json) {
    context.print(JSON.stringify(result, null, 2) + '\n');
    return result.spans.length > 0 ? 0 : 1;
  }
  if (result.spans.length === 0) context.print(`no entity found in "${text}"\n`);
  else
    context.print(
      formatTable(
        ['span', 'at', 'rank', 'score', 'match', 'type', 'id', 'name', 'ambiguous'],
        result.spans.flatMap((span) =>
          span.candidates.map((candidate, rank) => [
            rank === 0 ? span.surface : '',
            rank === 0 ? `${span.start}-${span.end}` : '',
            rank + 1,
            candidate.score,
            candidate.matchedBy,
            candidate.type,
            candidate.id,
            candidate.name,
            rank === 0 && span.ambiguous ? 'yes' : '',
          ]),
        ),
      ),
    );
  for (const phrase of result.unlinked)
    context.print(`not in the KG: "${phrase.surface}" (not linked to the generic "${phrase.head}")\n`);
  return result.spans.length > 0 ? 0 : 1;
}
