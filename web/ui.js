// Shared building blocks of the pages: htm bound to preact, and small presentational components.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { entityHref } from './api.js';

export const html = htm.bind(h);

export function ErrorMessage({ error }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return html`<div class="error" role="alert">
    <strong>${error.code && error.code !== 'HTTP' ? `${error.code}: ` : 'Error: '}</strong>${message}
    ${error.requestId ? html`<span class="muted"> (request ${error.requestId})</span>` : null}
  </div>`;
}

/** RDKit SVG from our own server; `label` is the accessible name of the drawing. */
export function Molecule({ svg, label, className = 'molecule' }) {
  if (!svg)
    return html`<div class=${`${className} empty`} role="img" aria-label=${`${label} (no drawing)`}>
      no drawing
    </div>`;
  return html`<div
    class=${className}
    role="img"
    aria-label=${label}
    dangerouslySetInnerHTML=${{ __html: svg }}
  ></div>`;
}

export function EntityLink({ type, id, name }) {
  return html`<a href=${entityHref(type, id)} title=${`${type} ${id}`}>${name || id}</a>`;
}

export function KindMarker({ known }) {
  return known
    ? html`<span class="marker fact" title="The knowledge graph has this edge">KG fact</span>`
    : html`<span class="marker prediction" title="Predicted by the bridge model, not in the KG"
        >prediction</span
      >`;
}

export function Score({ value, label = 'score' }) {
  if (value === null || value === undefined || Number.isNaN(value)) return html`<span class="muted">–</span>`;
  const width = Math.max(0, Math.min(1, value)) * 100;
  return html`<span class="score" title=${`${label} ${value}`}>
    <span class="score-bar" aria-hidden="true"><span style=${`width:${width}%`}></span></span>
    <span class="score-value">${formatNumber(value)}</span>
  </span>`;
}

export function Spinner({ label = 'Working…' }) {
  return html`<span class="spinner" role="status"
    ><span aria-hidden="true" class="dot"></span>${label}</span
  >`;
}

/** A labelled drop-down of `options` (`{ value, label }`); `onValue` gets the value picked. */
export function SelectField({ id, label, options, value, onValue, style }) {
  return html`<div class="field" style=${style}>
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(event) => onValue(event.target.value)}>
      ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
    </select>
  </div>`;
}

/** A labelled number input; `onValue` gets `Number()` of what is typed (0 for an empty field). */
export function NumberField({ id, label, min, max, step, value, onValue }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input
      id=${id}
      type="number"
      min=${min}
      max=${max}
      step=${step}
      value=${value}
      onInput=${(event) => onValue(Number(event.target.value))}
    />
  </div>`;
}

export function formatNumber(value, digits = 3) {
  if (typeof value !== 'number') return String(value ?? '');
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(digits);
}

export function useDebounced(value, delayMs) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** Offers text as a file to save. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
