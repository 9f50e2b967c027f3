import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/** 413 `PAYLOAD_TOO_LARGE` naming the limit, for bodies over `maxBytes` (declared or streamed). */
export function bodyLimit(options: { maxBytes: number }): MiddlewareHandler<AppEnv> {
  return honoBodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new AppError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `request body exceeds the limit of ${options.maxBytes} bytes (${formatBytes(options.maxBytes)})`,
        details: { limitBytes: options.maxBytes },
      });
    },
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} B`;
}
