// Entity page: what the index holds for one KG node and its neighbours, grouped by relation.
import { useEffect, useState } from 'preact/hooks';
import { api, entityPath } from './api.js';
import { EntityLink, ErrorMessage, Molecule, Spinner, formatNumber, html } from './ui.js';

function Sequence({ value }) {
  const blocks = value.match(/.{1,10}/g) ?? [];
  const lines = [];
  for (let index = 0; index < blocks.length; index += 6)
    lines.push(`${String(index * 10 + 1).padStart(6)}  ${blocks.slice(index, index + 6).join(' ')}`);
  return html`<pre class="sequence" aria-label=${`Sequence, ${value.length} residues`}>
${lines.join('\n')}</pre>`;
}

function SmilesDrawing({ smiles, name }) {
  const [drawing, setDrawing] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v1/depict', { method: 'POST', body: { smiles, width: 360, height: 260 } })
      .then(setDrawing)
      .catch(setError);
  }, [smiles]);
  return html`<div>
    ${drawing ? html`<${Molecule} svg=${drawing.svg} label=${`Structure of ${name}`} />` : error ? html`<${ErrorMessage} error=${error} />` : html`<${Spinner} label="Drawing…" />`}
    <code class="smiles">${smiles}</code>
  </div>`;
}

/** Variant attributes (GWAS associations and the like), whatever fields the index records. */
function Attributes({ attributes }) {
  if (!attributes || typeof attributes !== 'object') return null;
  const rows = Array.isArray(attributes) ? attributes : [attributes];
  if (rows.length === 0) return null;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row ?? {})))];
  return html`<section aria-label="Attributes">
    <h2>Attributes</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            ${columns.map((column) => html`<th>${column}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row) =>
              html`<tr>
                ${columns.map((column) => {
                  const value = row?.[column];
                  return html`<td>
                    ${typeof value === 'number' ? formatNumber(value, 4) : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '')}
                  </td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function Payload({ payload, name }) {
  if (!payload) return html`<p class="muted">The index holds no encoder input for this entity.</p>`;
  switch (payload.kind) {
    case 'smiles':
      return html`<${SmilesDrawing} smiles=${payload.value} name=${name} />`;
    case 'sequence':
      return html`<${Sequence} value=${payload.value} />`;
    default:
      return html`<p>${payload.value}</p>`;
  }
}

function NeighbourGroup({ type, id, group }) {
  const [items, setItems] = useState(group.items);
  const [error, setError] = useState(null);
  const more = async () => {
    try {
      const details = await api(
        `${entityPath(type, id)}?relation=${encodeURIComponent(group.kgRelation)}&limit=500`,
      );
      const match = details.neighbours.groups.find((each) => each.tailType === group.tailType);
      if (match) setItems(match.items);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<section class="neighbour-group" aria-label=${`${group.relation} → ${group.tailType}`}>
    <h3>
      ${group.relation}
      <span class="muted small">→ ${group.tailType} · ${group.total} (${group.kgRelation})</span>
    </h3>
    <ul>
      ${items.map((item) => html`<li><${EntityLink} ...${item} /></li>`)}
    </ul>
    ${items.length < group.total ? html`<button type="button" class="secondary" onClick=${more}>Show all ${group.total}</button>` : null}
    <${ErrorMessage} error=${error} />
  </section>`;
}

export function EntityPage({ params }) {
  const [type, id] = params;
  const [details, setDetails] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!type || !id) return;
    api(`${entityPath(type, id)}?limit=20`)
      .then(setDetails)
      .catch(setError);
  }, [type, id]);
  if (!type || !id)
    return html`<${ErrorMessage}
      error="An entity page needs a type and an id, e.g. #/entity/drug/DB00619"
    />`;
  if (error)
    return html`<div>
      <h1>${type} ${id}</h1>
      <${ErrorMessage} error=${error} />
    </div>`;
  if (!details) return html`<${Spinner} label="Loading entity…" />`;
  const { entity, payload, vectors, neighbours } = details;
  const retrieveHref = `#/retrieve?type=${encodeURIComponent(entity.type)}&id=${encodeURIComponent(entity.id)}&name=${encodeURIComponent(entity.name)}`;
  return html`<article>
    <div class="entity-head">
      <h1>${entity.name}</h1>
      <span class="badge">${entity.type}</span><code>${entity.id}</code
      ><span class="muted small">source ${entity.source}</span>
      <a class="button-link" href=${retrieveHref}>Retrieve from here →</a>
    </div>
    <p class="small muted">
      Vectors: ${vectors.encoded ? 'encoded' : 'not encoded'},
      ${vectors.projected ? 'projected by the bridge' : 'not projected'} · ${neighbours.total} KG neighbours
    </p>
    <div class="entity-grid">
      <section aria-label="Payload">
        <h2>
          ${payload?.kind === 'smiles' ? 'Structure' : payload?.kind === 'sequence' ? 'Sequence' : 'Description'}
        </h2>
        <${Payload} payload=${payload} name=${entity.name} />
        <${Attributes} attributes=${details.attributes ?? details.gwas ?? entity.attributes} />
      </section>
      <section aria-label="Neighbours">
        <h2>Neighbours by relation</h2>
        ${neighbours.groups.length === 0 ? html`<p class="muted">No KG neighbours.</p>` : neighbours.groups.map((group) => html`<${NeighbourGroup} key=${group.kgRelation + group.tailType} type=${entity.type} id=${entity.id} group=${group} />`)}
      </section>
    </div>
  </article>`;
}
