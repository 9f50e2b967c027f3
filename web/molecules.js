// Molecules: pick a protein target, set the generation parameters, watch the genetic algorithm's
// progress and browse the proposals as drawings with scores, QED, alerts and provenance.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, apiText, entityHref, streamEvents } from './api.js';
import {
  ErrorMessage,
  Molecule,
  NumberField,
  SelectField,
  Spinner,
  download,
  formatNumber,
  html,
  useDebounced,
} from './ui.js';

const PROTEIN = 'gene/protein';
const sortKeys = [
  { value: 'combined', label: 'Combined score' },
  { value: 'bridge', label: 'Bridge score' },
  { value: 'qed', label: 'QED' },
  { value: 'novelty', label: 'Novelty' },
];
const parameters = [
  { name: 'n', label: 'Candidates', min: 1, max: 100, value: 12 },
  { name: 'generations', label: 'Generations', min: 0, max: 100, value: 8 },
  { name: 'population', label: 'Population', min: 4, max: 500, value: 40 },
  { name: 'seedCount', label: 'Seed drugs', min: 1, max: 50, value: 8 },
  { name: 'seed', label: 'Random seed', min: 0, max: 4294967295, value: 0 },
  { name: 'maxAlerts', label: 'Alerts allowed', min: 0, max: 10, value: 0, filter: true },
];

/** A text box with a listbox of name-lookup matches (arrow keys, Enter, Escape). */
function TargetPicker({ value, onChange, onPick }) {
  const [matches, setMatches] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const query = useDebounced(value.trim(), 200);
  useEffect(() => {
    if (query.length < 2) return setMatches([]);
    const controller = new AbortController();
    api(`/v1/lookup?q=${encodeURIComponent(query)}&type=${encodeURIComponent(PROTEIN)}&limit=8`, {
      signal: controller.signal,
    })
      .then(({ matches: found }) => {
        setMatches(found);
        setActive(-1);
      })
      .catch(() => setMatches([]));
    return () => controller.abort();
  }, [query]);
  const choose = (match) => {
    onPick(match);
    setOpen(false);
  };
  const onKeyDown = (event) => {
    if (!open || matches.length === 0) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((index) => (index + 1) % matches.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => (index - 1 + matches.length) % matches.length);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      choose(matches[active]);
    } else if (event.key === 'Escape') setOpen(false);
  };
  const showList = open && matches.length > 0;
  return html`<div class="field autocomplete">
    <label for="target-input">Target protein (gene symbol, name or UniProt id)</label>
    <input
      id="target-input"
      role="combobox"
      aria-expanded=${showList ? 'true' : 'false'}
      aria-controls="target-options"
      aria-autocomplete="list"
      aria-activedescendant=${active >= 0 ? `target-option-${active}` : undefined}
      autocomplete="off"
      spellcheck="false"
      value=${value}
      placeholder="e.g. EGFR"
      onInput=${(event) => {
        onChange(event.target.value);
        setOpen(true);
      }}
      onKeyDown=${onKeyDown}
      onFocus=${() => setOpen(true)}
      onBlur=${() => setTimeout(() => setOpen(false), 150)}
    />
    ${
      showList
        ? html`<ul id="target-options" role="listbox" aria-label="Matching proteins">
            ${matches.map(
              (match, index) =>
                html`<li
                  id=${`target-option-${index}`}
                  role="option"
                  aria-selected=${index === active ? 'true' : 'false'}
                  onMouseDown=${(event) => {
                    event.preventDefault();
                    choose(match);
                  }}
                >
                  ${match.name}
                  <span class="muted small"
                    >${match.matched !== match.name ? `${match.matched} · ` : ''}${match.id}</span
                  >
                </li>`,
            )}
          </ul>`
        : null
    }
  </div>`;
}

function provenanceText(provenance) {
  if (!provenance) return '';
  const seed = provenance.seed ? ` from ${provenance.seed.name ?? provenance.seed.id}` : '';
  const generation =
    provenance.generation !== undefined && provenance.generation !== null
      ? `, generation ${provenance.generation}`
      : '';
  return `${provenance.source}${provenance.operation ? ` (${provenance.operation})` : ''}${seed}${generation}`;
}

/** The proposal's drawing, redrawn with the alerting atoms highlighted when there are alerts. */
function useAlertDrawing(candidate) {
  const [svg, setSvg] = useState(candidate.svg);
  useEffect(() => {
    if (!(candidate.alerts ?? []).length) return undefined;
    const controller = new AbortController();
    api('/v1/depict', {
      method: 'POST',
      body: { smiles: candidate.smiles, width: 300, height: 220, highlightAlerts: true },
      signal: controller.signal,
    })
      .then((drawing) => setSvg(drawing.svg))
      .catch(() => undefined);
    return () => controller.abort();
  }, [candidate.smiles]);
  return svg;
}

function CandidateCard({ candidate }) {
  const alerts = candidate.alerts ?? [];
  const scores = candidate.scores ?? {};
  const svg = useAlertDrawing(candidate);
  return html`<article
    class=${`molecule-card ${alerts.length ? 'has-alerts' : ''}`}
    aria-label=${`Candidate ${candidate.rank}`}
  >
    <div class="row" style="justify-content:space-between">
      <strong>#${candidate.rank}</strong>
      ${alerts.length ? html`<span>${alerts.map((alert) => html`<span class="alert-badge" title=${`${alert.family}: ${alert.id}`}>⚠ ${alert.name}</span>`)}</span>` : html`<span class="small muted">no alerts</span>`}
    </div>
    <${Molecule}
      svg=${svg}
      label=${`Drawing of candidate ${candidate.rank}: ${candidate.smiles}${alerts.length ? ', alerting atoms highlighted' : ''}`}
    />
    <code class="smiles">${candidate.smiles}</code>
    <dl>
      <dt>Combined</dt>
      <dd>${formatNumber(scores.combined)}</dd>
      <dt>Bridge</dt>
      <dd>${formatNumber(scores.bridge)}</dd>
      <dt>QED</dt>
      <dd>${formatNumber(scores.qed)}</dd>
      <dt>Novelty</dt>
      <dd>${formatNumber(scores.novelty)}</dd>
      ${
        candidate.properties
          ? html`<dt>MW · cLogP</dt>
              <dd>
                ${formatNumber(candidate.properties.molecularWeight, 1)} ·
                ${formatNumber(candidate.properties.cLogP, 2)}
              </dd>`
          : null
      }
      ${
        candidate.nearestKnownDrug
          ? html`<dt>Nearest drug</dt>
              <dd>
                <a href=${entityHref('drug', candidate.nearestKnownDrug.id)}
                  >${candidate.nearestKnownDrug.name}</a
                >
                (${formatNumber(candidate.nearestKnownDrug.similarity, 2)})
              </dd>`
          : null
      }
    </dl>
    <p class="small muted">Provenance: ${provenanceText(candidate.provenance)}</p>
  </article>`;
}

const csvCell = (value) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function toCsv(candidates) {
  const header = [
    'rank',
    'smiles',
    'combined',
    'bridge',
    'qed',
    'novelty',
    'alerts',
    'molecularWeight',
    'cLogP',
    'nearestKnownDrug',
    'provenance',
  ];
  const rows = candidates.map((candidate) => [
    candidate.rank,
    candidate.smiles,
    candidate.scores?.combined,
    candidate.scores?.bridge,
    candidate.scores?.qed,
    candidate.scores?.novelty,
    (candidate.alerts ?? []).map((alert) => alert.name).join('; '),
    candidate.properties?.molecularWeight,
    candidate.properties?.cLogP,
    candidate.nearestKnownDrug?.name,
    provenanceText(candidate.provenance),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export function MoleculesPage() {
  const [targetText, setTargetText] = useState('');
  const [target, setTarget] = useState(null);
  const [settings, setSettings] = useState(
    Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.value])),
  );
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [sortKey, setSortKey] = useState('combined');
  const [hideAlerts, setHideAlerts] = useState(false);
  const [minQed, setMinQed] = useState(0);
  const controller = useRef(null);
  useEffect(() => () => controller.current?.abort(), []);
  const running = progress !== null;

  const run = async (event) => {
    event.preventDefault();
    const gene = targetText.trim();
    if (!gene && !target) return;
    controller.current = new AbortController();
    setError(null);
    setResult(null);
    setProgress({ generation: 0, generations: settings.generations, started: false });
    const filterNames = new Set(
      parameters.filter((parameter) => parameter.filter).map((parameter) => parameter.name),
    );
    const body = {
      target:
        target && target.name === targetText ? { entity: { type: target.type, id: target.id } } : { gene },
      ...Object.fromEntries(Object.entries(settings).filter(([name]) => !filterNames.has(name))),
      filters: Object.fromEntries(Object.entries(settings).filter(([name]) => filterNames.has(name))),
    };
    try {
      for await (const { event: name, data } of streamEvents(
        '/v1/molecules/propose/stream',
        body,
        controller.current.signal,
      )) {
        if (name === 'run-started') setProgress((current) => ({ ...current, started: true }));
        else if (name === 'generation-completed') setProgress({ ...data, started: true });
        else if (name === 'proposal-completed') setResult(data);
      }
    } catch (caught) {
      if (caught.name !== 'AbortError') setError(caught);
    } finally {
      setProgress(null);
    }
  };

  const exportSdf = async () => {
    try {
      const molecules = shown.map((candidate) => ({
        smiles: candidate.smiles,
        name: `candidate-${candidate.rank}`,
        properties: {
          rank: candidate.rank,
          combined: candidate.scores?.combined ?? null,
          bridge: candidate.scores?.bridge ?? null,
          qed: candidate.scores?.qed ?? null,
          alerts: (candidate.alerts ?? []).map((alert) => alert.name).join('; '),
          provenance: provenanceText(candidate.provenance),
        },
      }));
      download(
        'candidates.sdf',
        await apiText('/v1/molecules/sdf', { method: 'POST', body: { molecules } }),
        'chemical/x-mdl-sdfile',
      );
    } catch (caught) {
      setError(caught);
    }
  };

  const candidates = result?.candidates ?? [];
  const shown = candidates
    .filter((candidate) => !hideAlerts || (candidate.alerts ?? []).length === 0)
    .filter((candidate) => (candidate.scores?.qed ?? 0) >= minQed)
    .sort((a, b) => (b.scores?.[sortKey] ?? 0) - (a.scores?.[sortKey] ?? 0));

  return html`<div>
    <h1>Molecule design</h1>
    <form class="molecule-form" onSubmit=${run}>
      <${TargetPicker}
        value=${targetText}
        onChange=${(text) => {
          setTargetText(text);
        }}
        onPick=${(match) => {
          setTarget(match);
          setTargetText(match.name);
        }}
      />
      ${parameters.map(
        (parameter) =>
          html`<${NumberField}
            id=${`param-${parameter.name}`}
            label=${parameter.label}
            min=${parameter.min}
            max=${parameter.max}
            value=${settings[parameter.name]}
            onValue=${(value) => setSettings((current) => ({ ...current, [parameter.name]: value }))}
          />`,
      )}
      ${
        running
          ? html`<button type="button" class="danger" onClick=${() => controller.current?.abort()}>
              Stop
            </button>`
          : html`<button type="submit" disabled=${!targetText.trim()}>Generate</button>`
      }
    </form>
    ${
      running
        ? html`<div class="panel" style="margin-top:.8rem">
            <label for="generation-progress"
              >${progress.started ? `Generation ${progress.generation} of ${progress.generations}` : 'Waiting for the server…'}
              ${progress.bestScore !== undefined ? html` <span class="muted small">best fitness ${formatNumber(progress.bestScore)} · ${progress.evaluated} molecules scored</span>` : null}</label
            >
            <progress
              id="generation-progress"
              max=${Math.max(1, progress.generations)}
              value=${progress.generation}
            ></progress>
          </div>`
        : null
    }
    <${ErrorMessage} error=${error} />
    ${
      result
        ? html`<section aria-label="Candidates">
            <p class="small">
              Target
              <a href=${entityHref(result.target.entity?.type ?? PROTEIN, result.target.entity?.id ?? '')}
                >${result.target.label}</a
              >
              · ${result.stats.generated} generated, ${result.stats.valid} valid,
              ${result.stats.passedFilters} passed the filters, ${result.stats.generationsCompleted}
              generations · seeds
              ${result.seeds
                .slice(0, 5)
                .map((seed) => seed.name)
                .join(', ')}${result.seeds.length > 5 ? '…' : ''}
            </p>
            <div class="grid-tools">
              <${SelectField}
                id="sort-key"
                label="Sort by"
                options=${sortKeys}
                value=${sortKey}
                onValue=${setSortKey}
              />
              <${NumberField}
                id="min-qed"
                label="Minimum QED"
                min="0"
                max="1"
                step="0.05"
                value=${minQed}
                onValue=${(value) => setMinQed(value || 0)}
              />
              <label
                ><input
                  type="checkbox"
                  checked=${hideAlerts}
                  onChange=${(event) => setHideAlerts(event.target.checked)}
                />
                Hide molecules with alerts</label
              >
              <button
                type="button"
                class="secondary"
                onClick=${() => download('candidates.csv', toCsv(shown), 'text/csv')}
                disabled=${shown.length === 0}
              >
                Export CSV
              </button>
              <button type="button" class="secondary" onClick=${exportSdf} disabled=${shown.length === 0}>
                Export SDF
              </button>
              <span class="small muted">${shown.length} of ${candidates.length} shown</span>
            </div>
            <div class="molecule-grid">
              ${shown.map((candidate) => html`<${CandidateCard} key=${candidate.smiles} candidate=${candidate} />`)}
            </div>
          </section>`
        : !running && !error
          ? html`<p class="muted">
              Pick a protein and press Generate: known drugs nearest to it in the bridge's drug space seed a
              genetic algorithm; candidates are scored by the bridge, QED, novelty and structural alerts.
            </p>`
          : null
    }
    ${running ? html`<${Spinner} label="Generating…" />` : null}
  </div>`;
}
