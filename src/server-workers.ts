import cluster from 'node:cluster';
import type { Logger } from './util/logger.js';

/**
 * Runs `count` copies of the server (node:cluster workers, each re-running this same `serve`
 * command) that share the listening port, so the request path, which is single-threaded
 * JavaScript, uses every core. Each worker loads its own copy of the index. The primary only
 * hands out connections: on SIGINT/SIGTERM it stops the workers and waits for them; when a worker
 * exits on its own (a bad index, a crash) it stops the others and fails, rather than serve at
 * part strength without saying so.
 *
 * Returns the exit code: 0 after a requested stop, 1 when a worker died.
 */
export function serveWithWorkers(count: number, logger: Logger, signal: AbortSignal): Promise<number> {
  let stopping = false;
  let failed = false;
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  const exited = new Promise<number>((resolve) => {
    let alive = count;
    cluster.on('exit', (worker, code, exitSignal) => {
      alive--;
      if (!stopping) {
        failed = true;
        logger.error('HTTP worker exited; stopping the others', {
          pid: worker.process.pid,
          code,
          signal: exitSignal,
        });
        stop();
      }
      if (alive === 0) resolve(failed ? 1 : 0);
    });
  });
  for (let started = 0; started < count; started++) cluster.fork();
  logger.info('serving with HTTP workers', { workers: count });
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  return exited;
}
