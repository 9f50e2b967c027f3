import type { RDKitModule } from './rdkit.js';

interface RDKitLogHandle {
  get_buffer(): string;
  clear_buffer(): void;
}

/** RDKit's error log, read around one call to learn why it failed. */
export interface RDKitErrorLog {
  clear(): void;
  /** Everything RDKit logged since the last `clear()`; empty when capture is unavailable. */
  read(): string;
}

const captures = new WeakMap<RDKitModule, RDKitLogHandle | null>();

/**
 * The process-wide capture of `rdApp.error`. MinimalLib grants one capture at a time (a second
 * `set_log_capture` returns null, even for `rdApp.*`), so every module that wants RDKit's reasons
 * must share this one. Capturing also keeps the GA's many rejected products off stderr.
 */
export function rdkitErrorLog(rdkit: RDKitModule): RDKitErrorLog {
  if (!captures.has(rdkit)) captures.set(rdkit, rdkit.set_log_capture('rdApp.error'));
  const handle = captures.get(rdkit) ?? null;
  return {
    clear: () => handle?.clear_buffer(),
    read: () => handle?.get_buffer() ?? '',
  };
}

export interface RDKitFailure {
  message: string;
  /** 0-based; RDKit reports "around position N" counting from 1. */
  position?: number;
}

/**
 * Distils RDKit's log into one reason. RDKit echoes the input and draws a `~~^` marker under the
 * error, and repeats some messages; those lines carry no extra words.
 */
export function summarizeRDKitLog(buffer: string, input: string): RDKitFailure | undefined {
  let message: string | undefined;
  let position: number | undefined;
  for (const raw of buffer.split('\n')) {
    const line = raw.replace(/^\[\d\d:\d\d:\d\d\]\s?/, '').trimEnd();
    if (!line.trim() || line.trim() === input || /^[\s~^]+$/.test(line)) continue;
    const around = /check for mistakes around position (\d+)/.exec(line);
    if (around) {
      position = Number(around[1]) - 1;
      continue;
    }
    if (/Failed parsing (SMILES|SMARTS)/.test(line) && message !== undefined) continue;
    message ??= line.trim();
  }
  if (message === undefined) return undefined;
  return position === undefined ? { message } : { message, position };
}
