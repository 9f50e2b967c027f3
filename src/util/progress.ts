/**
 * Progress for long jobs: a redrawn bar with rate and ETA on a TTY, and a plain log line
 * at most every `intervalMs` otherwise (CI logs, pipes).
 */
export interface Progress {
  /** Advance by `delta` units (rows, nodes, triples). */
  tick(delta?: number): void;
  /** Set the absolute position. */
  update(done: number): void;
  /** Change the expected total once it is known. */
  setTotal(total: number | undefined): void;
  done(summary?: string): void;
}

export interface ProgressOptions {
  label: string;
  total?: number | undefined;
  unit?: string;
  stream?: NodeJS.WriteStream | { isTTY?: boolean; write(chunk: string): boolean };
  intervalMs?: number;
  now?: () => number;
  /** Extra text after the rate, given the seconds elapsed (e.g. rows/s while progress counts bytes). */
  detail?: ((seconds: number) => string) | undefined;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const isTTY = Boolean(stream.isTTY);
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (isTTY ? 100 : 5000);
  const unit = options.unit ?? 'items';
  const start = now();
  let total = options.total;
  let position = 0;
  let lastDraw = 0;

  const line = (): string => {
    // Rates over the first few milliseconds are noise (and divide by ~0).
    const seconds = Math.max((now() - start) / 1000, 0.05);
    const rate = position / seconds;
    const detail = options.detail === undefined ? '' : `, ${options.detail(seconds)}`;
    const rateText = `${formatCount(rate)} ${unit}/s${detail}`;
    if (total && total > 0) {
      const fraction = Math.min(position / total, 1);
      const eta = rate > 0 ? (total - position) / rate : Infinity;
      const width = 24;
      const filled = Math.round(fraction * width);
      const bar = isTTY ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
      return `${options.label} ${bar}${(fraction * 100).toFixed(1)}% ${formatCount(position)}/${formatCount(total)} ${rateText} eta ${formatDuration(eta)}`;
    }
    return `${options.label} ${formatCount(position)} ${unit} ${rateText} elapsed ${formatDuration(seconds)}`;
  };

  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    stream.write(isTTY ? `\r\x1b[2K${line()}` : `${line()}\n`);
  };

  return {
    tick(delta = 1) {
      position += delta;
      draw(false);
    },
    update(done) {
      position = done;
      draw(false);
    },
    setTotal(next) {
      total = next;
    },
    done(summary) {
      draw(true);
      if (isTTY) stream.write('\n');
      if (summary) stream.write(`${options.label}: ${summary}\n`);
    },
  };
}

export const noopProgress: Progress = { tick() {}, update() {}, setTotal() {}, done() {} };

export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
