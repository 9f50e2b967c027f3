import { createNameLookup } from '../../store/name-lookup.js';
import { AppError } from '../../errors.js';
import { readLookupEntries } from '../../indexing/lookup-entries.js';
import { readManifest } from '../../indexing/manifest.js';
import { definedFields } from '../../util/defined-fields.js';
import type { LookupOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

export async function run(context: CommandContext<LookupOptions>): Promise<number> {
  const [indexDirectory = '', query = ''] = context.positionals;
  const known = (await readManifest(indexDirectory)).registry.nodeTypes;
  const unknown = (context.options.type ?? []).filter((type) => !known.includes(type));
  if (unknown.length > 0)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `--type ${unknown.join(', ')}: unknown node type; this index has: ${known.join(', ')}`,
      details: { field: 'type' },
    });
  const lookup = createNameLookup(await readLookupEntries(indexDirectory));
  const candidates = lookup.lookup(query, {
    limit: context.options.limit,
    fuzzy: 'fallback',
    // The lookup's `types?:` takes no `undefined`: absent when no --type was given.
    ...definedFields({ types: context.options.type }),
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
