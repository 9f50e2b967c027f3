import { serve, type ServerType } from '@hono/node-server';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from './config/index.js';
import { describeError } from './errors.js';
import { isRemoteIndexLocation } from './indexing/remote-index.js';
import { createServices, type Services } from './services.js';
import { createVersionedServices, type VersionedServices } from './versioned-services.js';
import { createLogger, type Logger } from './util/logger.js';
import { timed } from './util/timed.js';

export interface RunningServer {
  url: string;
  /** The services answering now (with a versioned index: those of the current version). */
  readonly services: Services;
  /** Present when the index is in object storage (`s3://…`, `file://…`). */
  versioned: VersionedServices | undefined;
  close(): Promise<void>;
}

/** loadConfig → createServices → createApp → listen. Resolves once the port is bound. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const versioned = isRemoteIndexLocation(config.indexPath)
    ? await createVersionedServices(config, logger)
    : undefined;
  const fixed = versioned
    ? undefined
    : await timed(logger, 'services', createServices(config, logger, { deferLoading: true }));
  const fetch = versioned ? versioned.fetch : fixed!.app.fetch;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(instance));
    instance.once('error', reject);
  });
  logger.debug('start-up stage', { stage: 'listening', atMs: Math.round(performance.now()) });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    get services() {
      return versioned ? versioned.current() : fixed!;
    },
    versioned,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await (versioned ?? fixed!).close();
    },
  };
}

/** What a new user sees after start-up: the URL and requests to paste. */
export function welcomeText(server: RunningServer): string {
  const { url, services } = server;
  const auth = services.config.apiToken ? ` -H 'authorization: Bearer $BIOBRIDGE_API_TOKEN'` : '';
  const llm = services.config.llm.configured
    ? `LLM: ${services.config.llm.model} at ${services.config.llm.baseURL}`
    : `LLM: none (${services.config.llm.reason}); answers are built from the evidence alone`;
  return [
    `biobridge is listening on ${url}  (index ${services.config.indexPath}: ${services.index.graph.nodeCount} nodes; ${services.bridge ? 'bridge loaded' : 'no bridge'})`,
    llm,
    `Web UI: ${url}/   API docs: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/health`,
    '',
    'Try:',
    `  curl -s ${url}/v1/chat${auth} -H 'content-type: application/json' \\`,
    `    -d '{"messages":[{"role":"user","content":"Which proteins does imatinib target?"}]}'`,
    `  curl -s ${url}/v1/retrieve${auth} -H 'content-type: application/json' \\`,
    `    -d '{"smiles":"COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1","targetTypes":["gene/protein"],"k":5}'`,
    `  curl -s ${url}/v1/molecules/propose${auth} -H 'content-type: application/json' \\`,
    `    -d '{"target":{"gene":"EGFR"},"n":5}'`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const server = await startServer(config, logger);
  process.stderr.write(welcomeText(server) + '\n');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exit(1);
  });
}
