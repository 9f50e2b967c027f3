import { html } from './ui.js';

export function BenchmarksPage() {
  return html`<h1>Benchmarks</h1>`;
}
