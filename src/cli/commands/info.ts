import { readManifest } from '../../indexing/manifest.js';
import type { InfoOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

export async function run(context: CommandContext<InfoOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const manifest = await readManifest(indexDirectory);
  // The manifest as a person reads it: all but the format version, the relation registry and the ingest log.
  const { formatVersion: _version, registry: _registry, ingest: _ingest, bridge, ...described } = manifest;
  const report = { ...described, bridge: bridge ?? null };
  if (context.options.json) {
    context.print(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  const types = Object.keys(manifest.nodes).sort();
  const rows = types.map((type) => {
    const coverage = manifest.coverage[type];
    const encoder = manifest.encoders[type];
    const total = manifest.nodes[type] ?? 0;
    return [
      type,
      total,
      coverage?.payloadKind ?? '-',
      coverage?.withPayload ?? 0,
      coverage?.encoded ?? 0,
      total === 0 ? '-' : `${(((coverage?.encoded ?? 0) / total) * 100).toFixed(1)}%`,
      encoder ? `${encoder.kind} (${encoder.dimension}d)` : 'name only',
    ];
  });
  const totalNodes = Object.values(manifest.nodes).reduce((sum, count) => sum + count, 0);
  context.print(
    `index ${manifest.name} (created ${manifest.createdAt}, data ${manifest.dataHash.slice(0, 12)})\n` +
      `source ${manifest.source.directory}${manifest.source.includeNonCommercial ? ' (with non-commercial edges)' : ''}\n\n` +
      formatTable(['type', 'nodes', 'payload', 'with payload', 'encoded', 'coverage', 'encoder'], rows) +
      `\n${totalNodes} nodes, ${manifest.edges.total} directed edges\n` +
      (manifest.bridge
        ? `bridge ${manifest.bridge.id} (hidden ${manifest.bridge.hiddenDim}, projected ${manifest.bridge.projectedAt})\n`
        : 'bridge: none (run `biobridge train <index>`)\n'),
  );
  return 0;
}
