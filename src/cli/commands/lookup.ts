import { createNameLookup } from '../../store/name-lookup.js';
import { readLookupEntries } from '../../indexing/lookup-entries.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

export async function run(
  context: CommandContext<{ type?: string[] | undefined; limit: number; json: boolean }>,
): Promise<number> {
  const [indexDirectory = '', query = ''] = context.positionals;
  const lookup = createNameLookup(await readLookupEntries(indexDirectory));
  const candidates = lookup.lookup(query, {
    limit: context.options.limit,
    fuzzy: 'fallback',
    ...(context.options.type ? { types: context.options.type } : {}),
  });
  if (context.options.json) {
    context.print(JSON.stringify({ query, candidates }, null, 2) + '\n');
    return candidates.length > 0 ? 0 : 1;
  }
  if (candidates.length === 0) {
    context.print(`no entity matches "${query}"\n`);
    return 1;
  }
  context.print(
    formatTable(
      ['score', 'match', 'type', 'id', 'name', 'matched on'],
      candidates.map((c) => [c.score, c.matchKind, c.type, c.id, c.name, c.matched]),
    ),
  );
  return 0;
}
