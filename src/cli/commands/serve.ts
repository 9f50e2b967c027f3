import cluster from 'node:cluster';
import { loadConfig } from '../../config/index.js';
import { serveWithWorkers } from '../../server-workers.js';
import { startServer, welcomeText } from '../../server.js';
import { createLogger } from '../../util/logger.js';
import type { ServeOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

/** Runs until SIGINT/SIGTERM; flags override the environment (see README, Configuration). */
export async function run(context: CommandContext<ServeOptions>): Promise<number> {
  const config = loadConfig(context.env, {
    BIOBRIDGE_INDEX: context.options.index,
    PORT: context.options.port,
    HOST: context.options.host,
    BIOBRIDGE_DEVICE: context.options.device,
  });
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  if (config.httpWorkers > 1 && cluster.isPrimary)
    return serveWithWorkers(config.httpWorkers, logger, context.signal);
  const server = await startServer(config, logger);
  // Workers share one port: the first one to be started greets for all.
  if (cluster.worker === undefined || cluster.worker.id === 1)
    process.stderr.write(welcomeText(server) + '\n');
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info('shutting down');
  await server.close();
  // A cluster worker's channel to the primary would keep the event loop (and the process) alive.
  cluster.worker?.disconnect();
  return 0;
}
