/** Structured logger. Writes to stderr so that `--json` output on stdout stays clean. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface ConsoleLoggerOptions {
  level?: LogLevel;
  /** `json` writes one JSON object a line (for servers); `pretty` writes `level message k=v`. */
  format?: 'json' | 'pretty';
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

export function createLogger(options: ConsoleLoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? 'pretty';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.fields ?? {};

  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (levelRank[at] < levelRank[level]) return;
    const all = { ...base, ...fields };
    if (format === 'json') {
      write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...all }));
      return;
    }
    const extra = Object.entries(all)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    write(`${at.padEnd(5)} ${message}${extra ? ' ' + extra : ''}`);
  };

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => noopLogger,
};

/** Test logger that keeps every line. */
export function createMemoryLogger(): Logger & {
  lines: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const make = (base: Record<string, unknown>): Logger => ({
    debug: (message, fields) => lines.push({ level: 'debug', message, fields: { ...base, ...fields } }),
    info: (message, fields) => lines.push({ level: 'info', message, fields: { ...base, ...fields } }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields: { ...base, ...fields } }),
    error: (message, fields) => lines.push({ level: 'error', message, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return Object.assign(make({}), { lines });
}
