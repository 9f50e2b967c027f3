// Retrieve: paste a SMILES, sequence, text, name or rsID; see what the bridge and the KG map it to.
import { useEffect, useState } from 'preact/hooks';
import { api, entityHref } from './api.js';
import {
  ErrorMessage,
  KindMarker,
  Molecule,
  NumberField,
  Score,
  SelectField,
  Spinner,
  formatNumber,
  html,
  useDebounced,
} from './ui.js';

const kinds = [
  { value: 'auto', label: 'Detect automatically' },
  { value: 'smiles', label: 'SMILES' },
  { value: 'protein', label: 'Protein sequence' },
  { value: 'text', label: 'Free text' },
  { value: 'name', label: 'Name or ID' },
  { value: 'rsid', label: 'Variant rsID' },
];
const targetTypeChoices = [
  'gene/protein',
  'drug',
  'disease',
  'effect/phenotype',
  'biological_process',
  'pathway',
  'variant',
];
const AMINO_ACIDS = /^[ACDEFGHIKLMNPQRSTVWYBXZUO]+$/;

/** Which input a query looks like; the user can override it. */
export function detectKind(query) {
  const text = query.trim();
  if (!text) return 'name';
  if (/^rs\d+$/i.test(text)) return 'rsid';
  const compact = text.replace(/\s+/g, '');
  if (compact.length >= 20 && AMINO_ACIDS.test(compact) && !/[a-z]/.test(text)) return 'protein';
  if (
    !/\s/.test(text) &&
    /^[A-Za-z0-9@+\-[\]()=#$%/\\.:*]+$/.test(text) &&
    (/[()=#[\]@]|\d/.test(text) || /^(?:Cl|Br|[CNOSPFIcnosp])+$/.test(text))
  )
    return 'smiles';
  if (text.split(/\s+/).length >= 3) return 'text';
  return 'name';
}

function useValidation(kind, query) {
  const debounced = useDebounced(query.trim(), 250);
  const [state, setState] = useState({});
  useEffect(() => {
    if (!debounced) return setState({});
    const controller = new AbortController();
    const fail = (error) => error.name !== 'AbortError' && setState({ ok: false, message: error.message });
    if (kind === 'smiles') {
      setState({ pending: true });
      api('/v1/depict', {
        method: 'POST',
        body: { smiles: debounced, width: 320, height: 220, highlightAlerts: true },
        signal: controller.signal,
      })
        .then((drawing) =>
          setState({
            ok: true,
            message: `valid SMILES · ${drawing.heavyAtoms} heavy atoms · canonical ${drawing.canonical}${drawing.alerts?.length ? ` · alerts: ${drawing.alerts.map((alert) => alert.name).join(', ')}` : ''}`,
            svg: drawing.svg,
          }),
        )
        .catch(fail);
    } else if (kind === 'protein') {
      const sequence = debounced.replace(/\s+/g, '').toUpperCase();
      const bad = [...new Set(sequence.replace(/[ACDEFGHIKLMNPQRSTVWYBXZUO]/g, ''))];
      setState(
        bad.length
          ? { ok: false, message: `not amino acids: ${bad.join(' ')}` }
          : { ok: true, message: `${sequence.length} residues` },
      );
    } else if (kind === 'name' || kind === 'rsid') {
      setState({ pending: true });
      api(`/v1/lookup?q=${encodeURIComponent(debounced)}&limit=3${kind === 'rsid' ? '&type=variant' : ''}`, {
        signal: controller.signal,
      })
        .then(({ matches }) =>
          setState(
            matches.length
              ? {
                  ok: true,
                  message: `matches ${matches.map((match) => `${match.name} (${match.type}${match.matchKind === 'fuzzy' ? ', fuzzy' : ''})`).join('; ')}`,
                }
              : { ok: false, message: 'no entity by that name or id' },
          ),
        )
        .catch(fail);
    } else {
      setState({ ok: debounced.length >= 3, message: `${debounced.split(/\s+/).length} words` });
    }
    return () => controller.abort();
  }, [kind, debounced]);
  return state;
}

function requestBody(kind, query, entityRef, targetTypes, k) {
  const base = { k, ...(targetTypes.length ? { targetTypes } : {}) };
  if (entityRef) return { ...base, entity: entityRef };
  const text = query.trim();
  switch (kind) {
    case 'smiles':
      return { ...base, smiles: text };
    case 'protein':
      return { ...base, protein: text.replace(/\s+/g, '').toUpperCase() };
    case 'text':
      return { ...base, text };
    case 'rsid':
      return { ...base, rsid: text };
    default:
      return { ...base, entity: text };
  }
}

/** GWAS statistics of a KG variant–disease fact. */
function Association({ association }) {
  if (!association) return null;
  const parts = [];
  if (typeof association.pvalue === 'number') parts.push(`p = ${association.pvalue.toExponential(1)}`);
  else if (typeof association.pvalueMlog === 'number')
    parts.push(`−log10 p = ${formatNumber(association.pvalueMlog, 1)}`);
  if (typeof association.orBeta === 'number') parts.push(`OR/β ${formatNumber(association.orBeta, 2)}`);
  return html`<div class="small muted">
    GWAS:
    ${parts.join(' · ')}${association.pubmedId ? html` · <a href=${`https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(association.pubmedId)}/`} rel="noreferrer">PMID ${association.pubmedId}</a>` : null}
  </div>`;
}

function ComponentScores({ scores }) {
  if (!scores || typeof scores !== 'object') return null;
  return html`<span class="small muted"
    >${Object.entries(scores)
      .filter(([, value]) => typeof value === 'number')
      .map(([name, value]) => `${name} ${formatNumber(value, 2)}`)
      .join(' · ')}</span
  >`;
}

function ResultsTable({ type, results }) {
  const hasComponents = results.some((result) => result.scores);
  return html`<section class="results-group" aria-label=${`Results: ${type}`}>
    <h2>
      ${type}
      <span class="muted small"
        >${results.length} results · ${results.filter((result) => result.known).length} KG facts</span
      >
    </h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th class="num">#</th>
            <th>Name</th>
            <th>Evidence</th>
            <th>Relation</th>
            <th>Score</th>
            ${hasComponents ? html`<th>Components</th>` : null}
            <th>Preview</th>
          </tr>
        </thead>
        <tbody>
          ${results.map(
            (result) =>
              html`<tr>
                <td class="num">${result.rank}</td>
                <td>
                  <a href=${entityHref(result.type, result.id)}>${result.name}</a>
                  <span class="muted small">${result.id}</span>
                </td>
                <td>
                  <${KindMarker} known=${result.known} /><${Association} association=${result.association} />
                </td>
                <td>
                  ${result.relation}${result.knownRelations?.length ? html`<div class="small muted">KG: ${result.knownRelations.join(', ')}</div>` : null}
                </td>
                <td><${Score} value=${result.score} /></td>
                ${hasComponents ? html`<td><${ComponentScores} scores=${result.scores} /></td>` : null}
                <td class="small"><code>${(result.payloadPreview ?? '').slice(0, 48)}</code></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

export function RetrievePage({ query: routeQuery }) {
  const fromEntity =
    routeQuery.get('type') && routeQuery.get('id')
      ? { type: routeQuery.get('type'), id: routeQuery.get('id') }
      : null;
  const [query, setQuery] = useState(
    routeQuery.get('q') ?? (fromEntity ? (routeQuery.get('name') ?? fromEntity.id) : ''),
  );
  const [kindChoice, setKindChoice] = useState('auto');
  const [entityRef, setEntityRef] = useState(fromEntity);
  const [targetTypes, setTargetTypes] = useState([]);
  const [k, setK] = useState(10);
  const [response, setResponse] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const kind = entityRef ? 'name' : kindChoice === 'auto' ? detectKind(query) : kindChoice;
  const validation = useValidation(entityRef ? 'none' : kind, entityRef ? '' : query);

  const run = async (event) => {
    event?.preventDefault();
    if (!query.trim() && !entityRef) return;
    setBusy(true);
    setError(null);
    try {
      const body = requestBody(kind, query, entityRef, targetTypes, k);
      try {
        setResponse(await api('/v1/retrieve', { method: 'POST', body }));
      } catch (caught) {
        // A server without the variant model has no `rsid` field: look the rsID up as a KG entity instead.
        if (!(body.rsid && caught.status === 400 && /body\.rsid/.test(caught.message))) throw caught;
        const { rsid, ...rest } = body;
        setResponse(await api('/v1/retrieve', { method: 'POST', body: { ...rest, entity: rsid } }));
      }
    } catch (caught) {
      setError(caught);
      setResponse(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (fromEntity) run();
  }, []);

  const groups = new Map();
  for (const result of response?.results ?? []) {
    if (!groups.has(result.type)) groups.set(result.type, []);
    groups.get(result.type).push(result);
  }
  const toggleType = (type) =>
    setTargetTypes((current) =>
      current.includes(type) ? current.filter((each) => each !== type) : [...current, type],
    );

  return html`<div>
    <h1>Retrieve</h1>
    <form class="retrieve-form" onSubmit=${run}>
      <div class="field">
        <label for="retrieve-query">Query: SMILES, protein sequence, text, name or rsID</label>
        <textarea
          id="retrieve-query"
          rows="4"
          spellcheck="false"
          value=${query}
          aria-describedby="retrieve-hint"
          onInput=${(event) => {
            setQuery(event.target.value);
            setEntityRef(null);
          }}
          onKeyDown=${(event) => event.key === 'Enter' && (event.ctrlKey || event.metaKey) && run(event)}
        ></textarea>
        <div
          id="retrieve-hint"
          class=${`hint ${validation.ok === true ? 'ok' : validation.ok === false ? 'bad' : ''}`}
          aria-live="polite"
        >
          ${entityRef ? `KG entity ${entityRef.type} ${entityRef.id}` : html`Read as <strong>${kinds.find((each) => each.value === kind)?.label}</strong>${validation.pending ? ' · checking…' : validation.message ? ` · ${validation.message}` : ''}`}
        </div>
        <div class="row">
          <${SelectField}
            id="retrieve-kind"
            label="Input type"
            options=${kinds}
            value=${kindChoice}
            onValue=${(value) => {
              setKindChoice(value);
              setEntityRef(null);
            }}
          />
          <${NumberField}
            id="retrieve-k"
            label="Predictions per type"
            min="1"
            max="200"
            value=${k}
            onValue=${(value) => setK(value || 10)}
          />
          <button type="submit" disabled=${busy || (!query.trim() && !entityRef) || validation.ok === false}>
            Retrieve
          </button>
          ${busy ? html`<${Spinner} label="Retrieving…" />` : null}
        </div>
        <fieldset class="checks">
          <legend class="small muted">Target types (none ticked: every linked type)</legend>
          ${targetTypeChoices.map((type) => html`<label><input type="checkbox" checked=${targetTypes.includes(type)} onChange=${() => toggleType(type)} /> ${type}</label>`)}
        </fieldset>
      </div>
      <div class="query-preview panel" aria-label="Query preview">
        ${
          kind === 'smiles' && validation.svg
            ? html`<${Molecule} svg=${validation.svg} label=${`Drawing of ${query.trim()}`} />`
            : html`<p class="muted small">
                ${kind === 'smiles' ? 'The molecule is drawn here as you type.' : 'SMILES queries are drawn here as you type.'}
              </p>`
        }
      </div>
    </form>
    <${ErrorMessage} error=${error} />
    ${
      response
        ? html`<div class="panel small">
              Query read as
              <strong>${response.query.kind}</strong>
              (${response.query.headType})${response.query.entity ? html` = <a href=${entityHref(response.query.entity.type, response.query.entity.id)}>${response.query.entity.name}</a>` : null}
              · relations
              ${response.query.relations.map((relation) => `${relation.relation} → ${relation.tailType}`).join(', ')}
              ${response.query.predictions.available ? null : html`<div class="muted">Predictions unavailable: ${response.query.predictions.reason}</div>`}
            </div>
            ${groups.size === 0 ? html`<p class="muted">No results.</p>` : [...groups].map(([type, results]) => html`<${ResultsTable} key=${type} type=${type} results=${results} />`)}`
        : null
    }
  </div>`;
}
