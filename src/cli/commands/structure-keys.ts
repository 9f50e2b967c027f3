import { openIndex } from '../../indexing/open-index.js';
import {
  STRUCTURE_KEYS_FILE,
  STRUCTURE_TYPES,
  structureTableFromStore,
  writeStructureKeys,
} from '../../retrieval/structure-keys.js';
import type { StructureKeysOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

/**
 * The upgrade step for indexes built before ingest stored structure keys: computes them from the
 * payloads in the index's tables and writes structures/keys.json.gz, so the service no longer
 * canonicalises every KG drug on its first SMILES request.
 */
export async function run(context: CommandContext<StructureKeysOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const started = performance.now();
  const index = await openIndex(indexDirectory, { logger: context.logger });
  try {
    const keys = new Map(
      await Promise.all(
        STRUCTURE_TYPES.map(
          async (type) => [type, await structureTableFromStore(index.graph, index.store, type)] as const,
        ),
      ),
    );
    await writeStructureKeys(indexDirectory, keys);
    const result = {
      file: `${indexDirectory}/${STRUCTURE_KEYS_FILE}`,
      keys: Object.fromEntries([...keys].map(([type, table]) => [type, table.size])),
      seconds: (performance.now() - started) / 1000,
    };
    context.print(
      context.options.json
        ? JSON.stringify(result, null, 2) + '\n'
        : `wrote ${result.file}: ${Object.entries(result.keys)
            .map(([type, size]) => `${size} ${type}`)
            .join(', ')} keys in ${result.seconds.toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await index.close();
  }
}
