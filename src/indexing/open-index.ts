import { join } from 'node:path';
import { readGraph, type KgGraph } from '../kg/graph.js';
import { readKgFacts, type KgFacts } from '../kg/kg-facts.js';
import { Registry } from '../kg/registry.js';
import { withInMemorySearch } from '../store/in-memory-search.js';
import { openLanceStore, type LanceStoreOptions } from '../store/lancedb-store.js';
import { withVectorFiles } from '../store/vector-files.js';
import type { VectorStore } from '../store/vector-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { timed } from '../util/timed.js';
import { indexLayout, readManifest, type IndexManifest } from './manifest.js';

/** The parts of an index every consumer needs: manifest, graph and vector store. */
export interface IndexHandle {
  directory: string;
  manifest: IndexManifest;
  registry: Registry;
  graph: KgGraph;
  /** GWAS statistics and ontology is_a directions (empty for indexes built before they were kept). */
  facts: KgFacts;
  store: VectorStore;
  close(): Promise<void>;
}

export async function openIndex(
  directory: string,
  options: {
    logger?: Logger;
    store?: LanceStoreOptions;
    /** Where the LanceDB tables are when not under `directory` (`s3://…`; see remote-index.ts). */
    lanceUri?: string | undefined;
  } = {},
): Promise<IndexHandle> {
  const logger = options.logger ?? noopLogger;
  const manifest = await readManifest(directory);
  const [graph, facts] = await Promise.all([
    timed(logger, 'graph', readGraph(directory)),
    timed(logger, 'kg facts', readKgFacts(join(directory, indexLayout.graph))),
  ]);
  const lance = await timed(
    logger,
    'lancedb',
    openLanceStore(options.lanceUri ?? join(directory, indexLayout.lance), {
      logger,
      ...options.store,
    }),
  );
  // Columns read whole come from raw vector files beside a local index (written on the first
  // read of each); a remote index's tables are read from LanceDB.
  const columns = options.lanceUri ? lance : withVectorFiles(lance, { indexDirectory: directory, logger });
  // Searches run from memory: a LanceDB scan per query re-reads every vector from disk.
  const store = withInMemorySearch(columns, {
    logger,
    describe: (nodeIndex) => {
      const position = graph.nodes.positionOf(nodeIndex);
      return position < 0
        ? undefined
        : { nodeId: graph.nodes.ids[position]!, name: graph.nodes.names[position]! };
    },
  });
  return {
    directory,
    manifest,
    registry: Registry.fromJSON(manifest.registry),
    graph,
    facts,
    store,
    close: () => store.close(),
  };
}
