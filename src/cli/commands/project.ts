import { projectIndex } from '../../indexing/project-index.js';
import type { ProjectOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

export async function run(context: CommandContext<ProjectOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const result = await projectIndex(indexDirectory, {
    device: context.options.device,
    logger: context.logger,
    progress: !context.quiet,
  });
  if (context.options.json) {
    context.print(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  context.print(
    formatTable(
      ['type', 'projected', 'dimension', 'ANN index'],
      result.types.map((t) => [t.type, t.rows, t.dimension, t.annIndex ? 'yes' : 'no (exact search)']),
    ) + `\nbridge ${result.bridgeId} projected in ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
