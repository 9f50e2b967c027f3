import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createQaAgent } from './agents/qa/qa-agent.js';
import type { Bridge } from './bridge/bridge.js';
import { loadOnnxBridge } from './bridge/onnx-bridge.js';
import type { Config } from './config/index.js';
import { loadEncoder } from './encoders/create-encoder.js';
import type { Encoder } from './encoders/encoder.js';
import { createApp } from './http/create-app.js';
import type { AppEnv } from './http/app-env.js';
import { createConcurrencyLimiter } from './http/concurrency.js';
import type { Feature } from './http/feature.js';
import { createLlmHealthCheck } from './http/routes/health.js';
import { createEntityRoutes } from './http/routes/entities.js';
import { createRetrieveRoutes } from './http/routes/retrieve.js';
import { readLookupEntries } from './indexing/lookup-entries.js';
import { indexLayout } from './indexing/manifest.js';
import { openIndex, type IndexHandle } from './indexing/open-index.js';
import { createLlm } from './llm/create-llm.js';
import type { LlmClient } from './llm/llm-client.js';
import { loadPromptLibrary } from './llm/prompts.js';
import { createRetriever, type Retriever } from './retrieval/retriever.js';
import { createNameLookup, type NameLookup } from './store/name-lookup.js';
import type { Logger } from './util/logger.js';

export interface Services {
  config: Config;
  index: IndexHandle;
  lookup: NameLookup;
  encoders: Map<string, Encoder>;
  bridge: Bridge | undefined;
  llm: LlmClient;
  retriever: Retriever;
  app: Hono<AppEnv>;
  close(): Promise<void>;
}

/** The composition root: turns a validated `Config` into the running service's parts. */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const index = await openIndex(config.indexPath, { logger });
  const encoders = new Map<string, Encoder>();
  const loaded = new Map<string, Promise<Encoder>>();
  for (const [type, ref] of Object.entries(index.manifest.encoders)) {
    // Node types sharing a saved encoder (the KG text encoder) share one instance.
    let pending = loaded.get(ref.directory);
    if (!pending) {
      pending = loadEncoder(join(config.indexPath, ref.directory), { device: config.device, logger });
      loaded.set(ref.directory, pending);
    }
    encoders.set(type, await pending);
  }
  const bridgeDirectory = join(config.indexPath, indexLayout.bridge);
  let bridge: Bridge | undefined;
  if (existsSync(join(bridgeDirectory, 'bridge.json')) && index.manifest.bridge) {
    bridge = await loadOnnxBridge(bridgeDirectory, { device: config.device, logger });
  } else {
    logger.warn('index has no projected bridge: predictions are unavailable, KG facts still work', {
      index: config.indexPath,
      fix: `biobridge train ${config.indexPath}`,
    });
  }
  const lookup = createNameLookup(await readLookupEntries(config.indexPath), {
    typePriority: ['drug', 'gene/protein', 'disease'],
  });
  const llm = config.llm.configured
    ? createLlm({
        baseUrl: config.llm.baseURL,
        model: config.llm.model,
        ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}),
        timeoutMs: config.llm.timeoutMs,
        maxRetries: config.llm.maxRetries,
        logger,
      })
    : createLlm({});
  const retriever = createRetriever({
    graph: index.graph,
    store: index.store,
    lookup,
    encoderFor: (type) => encoders.get(type),
    bridge,
    logger,
  });
  const chatAgent = createQaAgent(
    { retriever, lookup, prompts: await loadPromptLibrary(), llm, logger },
    { maxPromptTokens: config.llm.maxPromptTokens },
  );
  const inferenceLimiter = createConcurrencyLimiter({
    maxConcurrent: config.limits.inferenceConcurrency,
    maxQueued: config.limits.inferenceQueueLimit,
    name: 'model inference',
  });
  const features: Feature[] = [
    createRetrieveRoutes({ retriever, inferenceLimiter }),
    createEntityRoutes({ graph: index.graph, store: index.store, entities: retriever.entities }),
  ];
  const app = createApp(
    {
      chatAgent,
      logger,
      inferenceLimiter,
      features,
      healthChecks: [
        { name: 'index', required: true, check: async () => ({ ok: true, detail: `${index.manifest.name}: ${index.graph.nodeCount} nodes, ${index.graph.edgeCount} edges` }) },
        {
          name: 'bridge',
          required: false,
          check: async () =>
            bridge
              ? { ok: true, state: 'loaded', detail: `bridge ${index.manifest.bridge?.id ?? ''} (hidden ${bridge.metadata.hiddenDim})` }
              : { ok: false, state: 'missing', detail: `no trained bridge; run \`biobridge train ${config.indexPath}\`` },
        },
        createLlmHealthCheck(llm),
      ],
    },
    {
      bodyLimitBytes: config.limits.maxBodyBytes,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      ...(config.apiToken ? { authToken: config.apiToken } : {}),
    },
  );
  return {
    config,
    index,
    lookup,
    encoders,
    bridge,
    llm,
    retriever,
    app,
    async close() {
      await bridge?.dispose();
      for (const encoder of new Set(encoders.values())) await encoder.dispose?.();
      await index.close();
    },
  };
}
