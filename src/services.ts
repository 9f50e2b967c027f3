import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono, MiddlewareHandler } from 'hono';
import type { ChatAgent } from './agents/chat-agent.js';
import { describeError } from './errors.js';
import type { Bridge } from './bridge/bridge.js';
import { loadOnnxBridge } from './bridge/onnx-bridge.js';
import { withTransformBatching, type TransformBatchingOptions } from './bridge/batched-bridge.js';
import { loadRDKit } from './chem/rdkit.js';
import type { ChemToolkit } from './chem/toolkit.js';
import type { Config } from './config/index.js';
import { loadEncoder } from './encoders/create-encoder.js';
import { hasVariantModel, loadVariantModel, type VariantModel } from './encoders/variant-learned.js';
import type { Encoder } from './encoders/encoder.js';
import { createApp } from './http/create-app.js';
import type { AppEnv } from './http/app-env.js';
import { createConcurrencyLimiter } from './http/concurrency.js';
import type { Feature } from './http/feature.js';
import { createMetricsRegistry, type MetricsRegistry } from './http/metrics.js';
import { createResponseCache, type ResponseCache } from './http/response-cache.js';
import { createLlmCircuitCheck, createLlmHealthCheck, type HealthCheck } from './http/routes/health.js';
import { createEntityRoutes } from './http/routes/entities.js';
import { createLinkRoutes } from './http/routes/link.js';
import { createMoleculeRoutes } from './http/routes/molecules.js';
import { createRetrieveRoutes } from './http/routes/retrieve.js';
import { createDepictRoutes } from './http/routes/depict.js';
import { createLookupRoutes } from './http/routes/lookup.js';
import { createReportRoutes } from './http/routes/reports.js';
import { createUiRoutes } from './http/routes/ui.js';
import { readLookupEntries } from './indexing/lookup-entries.js';
import { indexLayout, readManifest, type IndexManifest } from './indexing/manifest.js';
import { variantLociOf, type VariantLoci } from './agents/qa/variant-loci.js';
import { drugStructuresFrom, type DrugStructures } from './agents/qa/drug-structures.js';
import { createVariantInputs, variantModelMismatch } from './indexing/variant-inputs.js';
import { openIndex, type IndexHandle } from './indexing/open-index.js';
import { createLlm } from './llm/create-llm.js';
import type { LlmClient } from './llm/llm-client.js';
import { createResilientLlm, type ResilientLlmClient } from './llm/resilient-llm.js';
import { loadPromptLibrary, type PromptLibrary } from './llm/prompts.js';
import type { MoleculeProposer } from './molecules/propose.js';
import { readFusionModel } from './retrieval/fusion.js';
import {
  readVariantFusion,
  usableVariantFusion,
  type VariantFusion,
} from './retrieval/variant-fusion-file.js';
import { variantFusedRanking } from './retrieval/variant-signals.js';
import { readLigandFingerprints } from './retrieval/ligand-fingerprints.js';
import { loadLigandModel } from './retrieval/ligand-model.js';
import { readStructureKeys } from './retrieval/structure-keys.js';
import { withInferenceSlots } from './retrieval/limited-retriever.js';
import { createRetriever, type Retriever } from './retrieval/retriever.js';
import { deferNames } from './linking/deferred-names.js';
import { createEntityLinker } from './linking/entity-linker.js';
import type { EntityLinker } from './linking/types.js';
import type { LanceStoreOptions } from './store/lancedb-store.js';
import { createNameLookup, type NameLookup } from './store/name-lookup.js';
import type { Logger } from './util/logger.js';
import { timed } from './util/timed.js';
import { createLoadQueue, type DeferredPart, type LoadQueue } from './util/load-queue.js';
import {
  admitWhenLoaded,
  deferEncoders,
  loadedValueOf,
  loadingHealthCheck,
  waitForDeferredParts,
} from './deferred-parts.js';
import type { VariantModelServices } from './retrieval/retrieval-types.js';
import { geneSymbolIndex } from './indexing/gene-vectors.js';

export interface Services {
  config: Config;
  index: IndexHandle;
  lookup: NameLookup;
  linker: EntityLinker;
  encoders: Map<string, Encoder>;
  bridge: Bridge | undefined;
  llm: LlmClient;
  retriever: Retriever;
  /** The parts loaded after start-up (`ServiceOptions.deferLoading`); all loaded otherwise. */
  loading: LoadQueue;
  app: Hono<AppEnv>;
  close(): Promise<void>;
}

/** What every consumer of an index needs: the index, its encoders, the bridge, lookup and retriever. */
export interface IndexServices {
  index: IndexHandle;
  lookup: NameLookup;
  linker: EntityLinker;
  encoders: Map<string, Encoder>;
  bridge: Bridge | undefined;
  retriever: Retriever;
  /** Variant positions (from the learned variant model's features): QA's locus evidence; undefined until the model has loaded. */
  readonly variantLoci?: VariantLoci | undefined;
  /** Drug structure similarity from the ligand fingerprints, for QA evidence; none without them. */
  readonly drugStructures?: DrugStructures | undefined;
  /** Encoders, name entries and the variant model (see `deferred`); all loaded unless deferred. */
  loading: LoadQueue;
  /** Resolves once the name entries (behind `lookup` and `linker`) have loaded. */
  namesLoaded(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Opens an index with its encoders, bridge (when trained and projected), name lookup and
 * retriever: the part of the composition root that CLI commands share with the server.
 */
export async function openIndexServices(
  indexPath: string,
  options: {
    device: Config['device'];
    logger: Logger;
    bridgePrecision?: Config['bridgePrecision'] | undefined;
    lance?: RemoteLance | undefined;
    /**
     * Return once what a SMILES, sequence or text retrieval needs is open, and load the encoders,
     * the name entries and the learned variant model after (`loading`); by default everything is
     * loaded before this resolves. `idle` says when no request is running (see createLoadQueue).
     */
    deferred?: { idle: () => boolean } | undefined;
    /**
     * Concurrent requests' bridge runs, and the ligand model's kernel-head runs, share one ONNX run
     * (`Config['requestPath']`); off by default.
     */
    batching?: TransformBatchingOptions | undefined;
  },
): Promise<IndexServices> {
  const { device, logger } = options;
  // The manifest (a few kB) says which encoders and bridge to load; the rest of the core loads at once.
  const manifest = await readManifest(indexPath);
  const core = await openCoreParts(indexPath, manifest, options);
  const { index, fusion, structures, ligands, ligandModel } = core;
  const bridge =
    core.bridge && options.batching ? withTransformBatching(core.bridge, options.batching) : core.bridge;
  warnAboutStaleParts(indexPath, core, logger);
  // Deferred: the first second after listening belongs to the first requests, not the warm-up.
  const loading = createLoadQueue({
    logger,
    idle: options.deferred?.idle,
    startDelayMs: options.deferred ? 1_000 : 0,
  });
  const encoders = deferEncoders(loading, manifest, (directory) =>
    loadEncoder(join(indexPath, directory), { device, logger }),
  );
  const entries = loading.add('lookup entries', () => readLookupEntries(indexPath));
  const variants = deferVariantModel(loading, index, core.variantFusion, { device, logger });
  const names = deferNames({
    lookup: () => createNameLookup(entries.value(), { typePriority: ['drug', 'gene/protein', 'disease'] }),
    linker: () => createEntityLinker(entries.value(), { prominence: (node) => index.graph.degree(node) }),
  });
  const { lookup, linker } = names;
  const retriever = createRetriever({
    graph: index.graph,
    store: index.store,
    lookup,
    encoderFor: (type) => encoders.get(type),
    bridge,
    fusion,
    ligands,
    ligandModel,
    structures,
    // Read per request: until the model has loaded, only requests that cannot use it get here.
    get variants() {
      return variants.state === 'loaded' ? variants.value() : undefined;
    },
    logger,
  });
  // Built once the variant model has loaded (QA runs after every deferred part has).
  let loci: VariantLoci | undefined;
  const variantLoci = () => {
    const model = variants.state === 'loaded' ? variants.value()?.model : undefined;
    if (model && !loci) loci = variantLociOf(model);
    return loci;
  };
  const close = async () => {
    await loading.stop();
    await bridge?.dispose();
    await ligandModel?.dispose();
    if (variants.state === 'loaded') await variants.value()?.model.dispose();
    for (const encoder of new Set(encoders.values())) await encoder.dispose?.();
    await index.close();
  };
  if (!options.deferred) {
    try {
      await loading.all();
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    index,
    lookup,
    linker,
    encoders,
    bridge,
    retriever: waitForDeferredParts(retriever, () => Promise.all([entries.get(), variants.get()])),
    get variantLoci() {
      return variantLoci();
    },
    drugStructures: ligands ? drugStructuresFrom(ligands) : undefined,
    loading,
    namesLoaded: () => entries.get(),
    close,
  };
}

/** What the first SMILES, sequence or text retrieval needs, opened in parallel (each part timed). */
async function openCoreParts(
  indexPath: string,
  manifest: IndexManifest,
  options: {
    device: Config['device'];
    logger: Logger;
    bridgePrecision?: Config['bridgePrecision'] | undefined;
    lance?: RemoteLance | undefined;
    batching?: TransformBatchingOptions | undefined;
  },
) {
  const { device, logger } = options;
  const stage = <T>(name: string, work: Promise<T>) => timed(logger, name, work);
  const opened = await settleAll({
    index: stage(
      'index',
      openIndex(indexPath, {
        logger,
        lanceUri: options.lance?.uri,
        store: { storageOptions: options.lance?.storageOptions, tableNames: options.lance?.tableNames },
      }),
    ),
    bridge: stage(
      'bridge',
      loadBridge(indexPath, manifest, { device, precision: options.bridgePrecision }, logger),
    ),
    fusion: stage('fusion', readFusionModel(indexPath)),
    variantFusion: stage('variant fusion', readVariantFusion(indexPath)),
    structures: stage('structure keys', readStructureKeys(indexPath)),
    ligands: stage('ligand fingerprints', readLigandFingerprints(indexPath)),
    ligandModel: stage(
      'ligand model',
      loadLigandModel(indexPath, {
        device,
        logger,
        verifyChecksums: 'first-use',
        batching: options.batching,
      }),
    ),
  });
  if (!opened.ok) {
    // Whatever did load must not keep files and ONNX sessions open.
    await opened.fulfilled.bridge?.dispose();
    await opened.fulfilled.ligandModel?.dispose();
    await opened.fulfilled.index?.close();
    throw opened.error;
  }
  return opened.value;
}

/** Warnings for parts fitted against another model, or not written yet. */
function warnAboutStaleParts(
  indexPath: string,
  core: Awaited<ReturnType<typeof openCoreParts>>,
  logger: Logger,
): void {
  const { index, fusion, structures, ligandModel } = core;
  if (!structures)
    logger.info('index has no stored structure keys: the first SMILES query computes them', {
      fix: `biobridge structure-keys ${indexPath}`,
    });
  if (fusion && fusion.bridgeId !== (index.manifest.bridge?.id ?? null))
    logger.warn('fusion.json was fitted with another bridge; refit it', {
      fix: `biobridge fit-fusion ${indexPath}`,
    });
  const fittedLigandModel = fusion?.servedLigandModelId ?? fusion?.ligandModelId;
  if (fittedLigandModel && fittedLigandModel !== ligandModel?.id)
    logger.warn('fusion.json was fitted with another ligand-target model; refit it', {
      fix: `biobridge fit-fusion ${indexPath}`,
    });
}

/** The learned variant model's query-time services (undefined without a usable model), loaded through `loading`. */
function deferVariantModel(
  loading: LoadQueue,
  index: IndexHandle,
  fusion: VariantFusion | undefined,
  runtime: { device: Config['device']; logger: Logger },
): DeferredPart<VariantModelServices | undefined> {
  const { device, logger } = runtime;
  return loading.add('variant model', async () => {
    const loaded = (await hasVariantModel(index.directory))
      ? await loadVariantModel(index.directory, { device, logger })
      : undefined;
    const model = usableVariantModel(loaded, index, logger);
    if (loaded && !model) await loaded.dispose();
    return model && variantServices(index, model, fusion, logger, index.directory);
  });
}

/**
 * The projected bridge, or undefined (with a warning) when the index has none. Its checksums are
 * verified in the background while the rest of the service loads (see `verifyChecksums`).
 */
async function loadBridge(
  indexPath: string,
  manifest: IndexManifest,
  runtime: { device: Config['device']; precision: Config['bridgePrecision'] | undefined },
  logger: Logger,
): Promise<Bridge | undefined> {
  const { device, precision } = runtime;
  const bridgeDirectory = join(indexPath, indexLayout.bridge);
  if (existsSync(join(bridgeDirectory, 'bridge.json')) && manifest.bridge)
    return loadOnnxBridge(bridgeDirectory, {
      device,
      precision,
      logger,
      verifyChecksums: 'first-use',
      openProjectOnFirstUse: true,
    });
  logger.warn('index has no projected bridge: predictions are unavailable, KG facts still work', {
    index: indexPath,
    fix: `biobridge train ${indexPath}`,
  });
  return undefined;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown; fulfilled: Partial<T> };

/** Awaits every promise of `parts`; on a failure, also returns what did load so it can be closed. */
async function settleAll<T extends Record<string, unknown>>(parts: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<Settled<T>> {
  const keys = Object.keys(parts) as (keyof T)[];
  const results = await Promise.allSettled(keys.map((key) => parts[key]));
  const fulfilled: Partial<T> = {};
  let error: unknown;
  let failed = false;
  results.forEach((result, position) => {
    if (result.status === 'fulfilled') fulfilled[keys[position]!] = result.value;
    else if (!failed) {
      failed = true;
      error = result.reason;
    }
  });
  return failed ? { ok: false, error, fulfilled } : { ok: true, value: fulfilled as T };
}

/** The index's learned variant model, unless it is absent or was trained on other encoders' vectors. */
function usableVariantModel(
  model: VariantModel | undefined,
  index: IndexHandle,
  logger: Logger,
): VariantModel | undefined {
  if (!model) return undefined;
  const mismatch = variantModelMismatch(model, index.manifest);
  if (!mismatch) return model;
  logger.warn('learned variant model not used: rsid / variant queries are unavailable', {
    reason: mismatch,
  });
  return undefined;
}

/**
 * The configured OpenAI-compatible LLM behind its guard (own pool, retries, deadline, circuit
 * breaker, output cap; the SDK's retries are off), or the unconfigured stand-in.
 */
export function createConfiguredLlm(config: Config, logger: Logger): LlmClient | ResilientLlmClient {
  if (!config.llm.configured) return createLlm({});
  const upstream = createLlm({
    baseUrl: config.llm.baseURL,
    model: config.llm.model,
    apiKey: config.llm.apiKey || undefined,
    timeoutMs: config.llm.timeoutMs,
    maxRetries: 0,
    logger,
  });
  return createResilientLlm(upstream, { ...config.llm.guard, maxRetries: config.llm.maxRetries, logger });
}

/**
 * The molecule proposer over an opened index; it loads RDKit (about a second) now and reads the
 * KG's drugs on its first request. The LLM is used only when one is configured.
 */
export async function createIndexMoleculeProposer(
  core: IndexServices,
  options: {
    config: Config;
    llm: LlmClient;
    logger: Logger;
    prompts?: PromptLibrary;
    /** One the caller also uses; a new one by default. */
    toolkit?: ChemToolkit | undefined;
  },
): Promise<MoleculeProposer> {
  // Imported here, not at the top: `serve` builds the proposer after it listens (cold start).
  const [{ createMoleculeProposer }, toolkit] = await Promise.all([
    import('./molecules/propose.js'),
    options.toolkit ?? createToolkit(),
  ]);
  return createMoleculeProposer({
    retriever: core.retriever,
    encoderFor: (type) => core.encoders.get(type),
    bridge: core.bridge,
    toolkit,
    ...(options.config.llm.configured
      ? { llm: options.llm, prompts: options.prompts ?? (await loadPromptLibrary()) }
      : {}),
    logger: options.logger,
  });
}

/** A new RDKit toolkit (about a hundred structural-alert SMARTS compiled); its module loads on first use. */
async function createToolkit(): Promise<ChemToolkit> {
  const { createRdkitToolkit } = await import('./chem/toolkit.js');
  return createRdkitToolkit();
}

/** LanceDB tables read from object storage rather than `<index>/lance` (see remote-index.ts). */
export interface RemoteLance {
  uri: string;
  storageOptions: LanceStoreOptions['storageOptions'];
  tableNames: readonly string[];
}

/** What a versioned (object-storage) index adds: its tables' location and a health check. */
export interface ServiceOptions {
  lance?: RemoteLance | undefined;
  healthChecks?: readonly HealthCheck[] | undefined;
  /**
   * Listen before the encoders, name entries and variant model have loaded (`biobridge serve`):
   * they load in the background, requests that need them wait (deferred-parts.ts).
   */
  deferLoading?: boolean | undefined;
}

/**
 * The QA agent's warm-up (names, typo index, linker, disease definitions), after the name entries.
 * A failure is logged, never thrown: an unwarmed agent still answers, paying it on first use.
 */
async function warmQa(core: IndexServices, agent: () => Promise<ChatAgent>, logger: Logger): Promise<void> {
  try {
    await core.namesLoaded();
    await (await agent()).warm?.();
  } catch (error) {
    logger.warn('QA warm-up failed; the first question will load what it needs', {
      error: describeError(error),
    });
  }
}

/** The composition root: turns a validated `Config` into the running service's parts. */
export async function createServices(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Services> {
  // Requests are admitted once the core is open; until then nothing listens.
  const opened: { loading?: LoadQueue } = {};
  const admission = options.deferLoading ? admitWhenLoaded(() => opened.loading) : undefined;
  const core = await openIndexServices(config.indexPath, {
    device: config.device,
    bridgePrecision: config.bridgePrecision,
    logger,
    lance: options.lance,
    deferred: admission && { idle: admission.idle },
    batching: { windowMs: config.requestPath.batchWindowMs, maxRows: config.requestPath.batchMaxRows },
  });
  opened.loading = core.loading;
  try {
    const services = await assembleServices(config, logger, core, {
      ...options,
      admit: admission?.middleware,
    });
    // Without deferred loading, the route parts (QA agent, toolkit, proposer) load before we return.
    if (!options.deferLoading) await core.loading.all();
    core.loading.start();
    return services;
  } catch (error) {
    // Half-built services must not keep the index, encoders and ONNX sessions open.
    await core.close();
    throw error;
  }
}

async function assembleServices(
  config: Config,
  logger: Logger,
  core: IndexServices,
  options: ServiceOptions & { admit?: MiddlewareHandler<AppEnv> | undefined },
): Promise<Services> {
  const { index, encoders, bridge, lookup, linker, retriever } = core;
  const llm = createConfiguredLlm(config, logger);
  const inferenceLimiter = createConcurrencyLimiter({
    maxConcurrent: config.limits.inferenceConcurrency,
    maxQueued: config.limits.inferenceQueueLimit,
    name: 'model inference',
  });
  const parts = deferRouteParts(config, logger, core, { llm, inferenceLimiter });
  // The reasoner reads every disease definition on its first question (seconds on the shared KG):
  // load them with the other deferred parts, so no client's first question waits for it.
  core.loading.add('QA reasoner', () => warmQa(core, () => parts.chatAgent.get(), logger));
  const responseCache = retrieveResponseCache(config, index.manifest);
  // Routes other than retrieval run only after every deferred part has loaded (`admitWhenLoaded`,
  // or everything loaded before `createServices` returns), so they can be given the parts' values.
  const toolkit = loadedValueOf(parts.toolkit);
  const features: Feature[] = [
    createRetrieveRoutes({ retriever, inferenceLimiter, responseCache }),
    createEntityRoutes({ graph: index.graph, store: index.store, entities: retriever.entities }),
    createLinkRoutes({ linker, nodeTypes: index.graph.registry.nodeTypes }),
    createMoleculeRoutes({ proposer: loadedValueOf(parts.proposer), inferenceLimiter }),
    // The web UI and the small routes only it needs (autocomplete, drawings, benchmark reports).
    createLookupRoutes({ lookup, entries: () => readLookupEntries(config.indexPath) }),
    createDepictRoutes({ toolkit, rdkit: await loadRDKit() }),
    createReportRoutes(),
    createUiRoutes({ authRequired: config.apiToken !== undefined }),
  ];
  const metrics = createMetricsRegistry();
  addServiceMetrics(metrics, { inferenceLimiter, llm });
  if (responseCache) addResponseCacheMetrics(metrics, responseCache);
  const app = createApp(
    {
      chatAgent: loadedValueOf(parts.chatAgent),
      logger,
      metrics,
      features,
      admit: options.admit,
      healthChecks: [
        ...indexHealthChecks(core, config.indexPath),
        ...(options.deferLoading ? [loadingHealthCheck(core.loading)] : []),
        createLlmHealthCheck(llm),
        ...('stats' in llm ? [createLlmCircuitCheck(llm)] : []),
        ...(options.healthChecks ?? []),
      ],
    },
    {
      bodyLimitBytes: config.limits.maxBodyBytes,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      corsOrigins: config.corsOrigins,
      authToken: config.apiToken || undefined,
    },
  );
  return {
    config,
    index,
    lookup,
    linker,
    encoders,
    bridge,
    llm,
    retriever,
    loading: core.loading,
    app,
    close: () => core.close(),
  };
}

/**
 * What only the routes other than retrieval use (the QA agent, the RDKit toolkit with its
 * structural alerts, the molecule proposer), as deferred parts: their modules are imported and
 * they are built after the service listens (≈ 0.5 CPU-s of a cold start), or before
 * `createServices` returns when loading is not deferred.
 */
function deferRouteParts(
  config: Config,
  logger: Logger,
  core: IndexServices,
  shared: { llm: LlmClient; inferenceLimiter: ReturnType<typeof createConcurrencyLimiter> },
): {
  chatAgent: DeferredPart<ChatAgent>;
  toolkit: DeferredPart<ChemToolkit>;
  proposer: DeferredPart<MoleculeProposer>;
} {
  const { llm, inferenceLimiter } = shared;
  let prompts: Promise<PromptLibrary> | undefined;
  const promptsOnce = () => (prompts ??= loadPromptLibrary());
  const chatAgent = core.loading.add('chat agent', async () => {
    const [{ createQaAgent }, library] = await Promise.all([
      import('./agents/qa/qa-agent.js'),
      promptsOnce(),
    ]);
    // The agent takes an inference slot per retrieval only; LLM I/O runs in the LLM's own pool.
    return createQaAgent(
      {
        retriever: withInferenceSlots(core.retriever, inferenceLimiter),
        lookup: core.lookup,
        linker: core.linker,
        prompts: library,
        llm,
        logger,
        facts: core.index.facts,
        // Read per question: under deferred loading the variant model arrives after start-up.
        get variantLoci() {
          return core.variantLoci;
        },
        drugStructures: core.drugStructures,
      },
      {
        maxPromptTokens: config.llm.maxPromptTokens,
        tools: config.llm.configured
          ? { ...config.llm.tools, deadlineMs: config.llm.guard.deadlineMs }
          : undefined,
      },
    );
  });
  // One toolkit for designs and drawings: it compiles about a hundred structural-alert SMARTS.
  const toolkit = core.loading.add('rdkit toolkit', createToolkit);
  const proposer = core.loading.add('molecule proposer', async () =>
    createIndexMoleculeProposer(core, {
      config,
      llm,
      logger,
      prompts: await promptsOnce(),
      toolkit: await toolkit.get(),
    }),
  );
  return { chatAgent, toolkit, proposer };
}

/**
 * The `/v1/retrieve` response cache, or undefined when its budget is 0. Its version names the index
 * data and bridge, so ETags from another index never match; the service never reloads in place (a
 * new index version gets new services, and so a new cache).
 */
function retrieveResponseCache(config: Config, manifest: IndexManifest): ResponseCache | undefined {
  if (config.requestPath.responseCacheBytes === 0) return undefined;
  const version = `${manifest.name}:${manifest.createdAt}:${manifest.dataHash}:${manifest.bridge?.id ?? ''}`;
  return createResponseCache({ maxBytes: config.requestPath.responseCacheBytes, version: () => version });
}

function addResponseCacheMetrics(metrics: MetricsRegistry, cache: ResponseCache): void {
  metrics.addCollector({
    name: 'biobridge_retrieve_cache',
    help: '/v1/retrieve response cache: lookups by outcome, entries and bytes held.',
    type: 'gauge',
    samples: () => {
      const stats = cache.stats();
      return [
        { labels: { value: 'hits' }, value: stats.hits },
        { labels: { value: 'misses' }, value: stats.misses },
        { labels: { value: 'entries' }, value: stats.entries },
        { labels: { value: 'bytes' }, value: stats.bytes },
      ];
    },
  });
}

/** The index must be readable to serve; a missing bridge only degrades bridge-backed answers. */
function indexHealthChecks(core: IndexServices, indexPath: string): HealthCheck[] {
  const { index, bridge } = core;
  return [
    {
      name: 'index',
      required: true,
      check: async () => ({
        ok: true,
        detail: `${index.manifest.name}: ${index.graph.nodeCount} nodes, ${index.graph.edgeCount} edges`,
      }),
    },
    {
      name: 'bridge',
      required: false,
      check: async () =>
        bridge
          ? {
              ok: true,
              state: 'loaded',
              detail: `bridge ${index.manifest.bridge?.id ?? ''} (hidden ${bridge.metadata.hiddenDim})`,
            }
          : {
              ok: false,
              state: 'missing',
              detail: `no trained bridge; run \`biobridge train ${indexPath}\``,
            },
    },
  ];
}

const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Queue depths, LLM failures and circuit state, read at every scrape of `/metrics`. */
function addServiceMetrics(
  metrics: MetricsRegistry,
  parts: { inferenceLimiter: { active: number; queued: number }; llm: LlmClient | ResilientLlmClient },
): void {
  metrics.addCollector({
    name: 'biobridge_inference_queue',
    help: 'Inference slots in use (encoders, bridge, RDKit) and requests waiting for one.',
    type: 'gauge',
    samples: () => [
      { labels: { state: 'running' }, value: parts.inferenceLimiter.active },
      { labels: { state: 'queued' }, value: parts.inferenceLimiter.queued },
    ],
  });
  const llm = parts.llm;
  if (!('stats' in llm)) return;
  metrics.addCollector({
    name: 'biobridge_llm_queue',
    help: 'LLM calls in flight and waiting in the LLM pool.',
    type: 'gauge',
    samples: () => [
      { labels: { state: 'running' }, value: llm.stats().active },
      { labels: { state: 'queued' }, value: llm.stats().queued },
    ],
  });
  metrics.addCollector({
    name: 'biobridge_llm_failures_total',
    help: 'Failed LLM tries by error code.',
    type: 'counter',
    samples: () => Object.entries(llm.stats().failures).map(([code, value]) => ({ labels: { code }, value })),
  });
  metrics.addCollector({
    name: 'biobridge_llm_circuit_state',
    help: 'LLM circuit breaker: 0 closed, 1 half-open, 2 open (answers evidence-only).',
    type: 'gauge',
    samples: () => [{ value: CIRCUIT_STATE_VALUE[llm.stats().circuit.state] }],
  });
}

/** The learned variant model's query-time services, with the variant fusion when it was fitted for this model. */
function variantServices(
  index: IndexHandle,
  model: VariantModel,
  fusion: VariantFusion | undefined,
  logger: Logger,
  indexPath: string,
): VariantModelServices {
  const usable = usableVariantFusion(fusion, model.metadata, logger, indexPath);
  if (usable)
    logger.info('variant → disease queries rank by the fused variant ranking', { ...usable.weights });
  return {
    model,
    inputs: createVariantInputs(index.graph, index.store, model),
    facts: index.facts,
    fusion: usable && variantFusedRanking(index.graph, geneSymbolIndex(index.graph), model, usable),
  };
}
