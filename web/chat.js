// Chat: streamed, grounded answers. The evidence panel keeps KG facts apart from bridge
// predictions; citations open entity cards; a structured result (choice/verdict) shows as a badge.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, entityHref, entityPath, streamEvents } from './api.js';
import { ErrorMessage, EntityLink, Score, Spinner, formatNumber, html } from './ui.js';

const HISTORY_KEY = 'biobridge.chat';
const MAX_CONTEXT_TURNS = 8;

function loadHistory() {
  try {
    const saved = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.map((turn) => ({ ...turn, streaming: false })) : [];
  } catch {
    return [];
  }
}

/** The answer text with `[E3]` turned into buttons that open the cited item's entity card. */
function AnswerText({ text, evidence, onCite }) {
  const byId = new Map((evidence ?? []).map((item) => [item.id, item]));
  const parts = text.split(/(\[E\d+\])/g);
  return html`<p class="answer-text">
    ${parts.map((part) => {
      const match = /^\[(E\d+)\]$/.exec(part);
      if (!match) return part;
      const item = byId.get(match[1]);
      return html`<button
        type="button"
        class="citation"
        aria-label=${`Citation ${match[1]}${item ? `: ${item.entity.name}` : ''}`}
        onClick=${() => item && onCite(item)}
        disabled=${!item}
      >
        ${match[1]}
      </button>`;
    })}
  </p>`;
}

function ResultBadge({ result }) {
  if (!result || typeof result !== 'object') return null;
  // A verdict is a boolean, which preact would not render as text.
  const verdict = typeof result.verdict === 'boolean' ? String(result.verdict) : result.verdict;
  const answer =
    result.choice ??
    verdict ??
    (Array.isArray(result.items)
      ? result.items.map((item) => item.name ?? item.id ?? item).join(', ')
      : null);
  return html`<span class="badge result" title="Structured answer">
    ${result.form ? html`<span class="muted">${result.form}: </span>` : null}
    <strong>${answer ?? '—'}</strong>
    ${typeof result.confidence === 'number' ? html` <span class="muted">(confidence ${formatNumber(result.confidence, 2)})</span>` : null}
  </span>`;
}

function EvidencePanel({ evidence, cited, onCite }) {
  if (!evidence || evidence.length === 0) return null;
  const facts = evidence.filter((item) => item.kind === 'kg-fact');
  const predictions = evidence.filter((item) => item.kind !== 'kg-fact');
  const list = (items, kind) =>
    html`<ul class="evidence-list">
      ${items.map(
        (item) =>
          html`<li class=${cited.has(item.id) ? 'cited' : ''}>
            <button
              type="button"
              class="citation"
              onClick=${() => onCite(item)}
              aria-label=${`Open ${item.id}: ${item.entity.name}`}
            >
              ${item.id}
            </button>
            <span class="evidence-text"
              >${item.subject ? html`<${EntityLink} ...${item.subject} /> ` : null}<span class="relation"
                >${item.relation}</span
              >
              <${EntityLink} ...${item.entity} /> <span class="muted"> · ${item.entity.type}</span></span
            >
            <${Score} value=${item.score} label=${kind} />
          </li>`,
      )}
    </ul>`;
  return html`<div class="evidence">
    <section aria-label="Knowledge-graph facts" class="facts">
      <h4><span class="marker fact">KG facts</span> ${facts.length}</h4>
      ${facts.length ? list(facts, 'kg fact') : html`<p class="muted">none</p>`}
    </section>
    <section aria-label="Bridge predictions" class="predictions">
      <h4><span class="marker prediction">Bridge predictions</span> ${predictions.length}</h4>
      ${predictions.length ? list(predictions, 'prediction') : html`<p class="muted">none</p>`}
    </section>
  </div>`;
}

function EntityCard({ item, onClose }) {
  const [details, setDetails] = useState(null);
  const [error, setError] = useState(null);
  const closeRef = useRef(null);
  useEffect(() => {
    closeRef.current?.focus();
    const controller = new AbortController();
    setDetails(null);
    setError(null);
    api(`${entityPath(item.entity.type, item.entity.id)}?limit=5`, { signal: controller.signal })
      .then(setDetails)
      .catch((caught) => caught.name !== 'AbortError' && setError(caught));
    return () => controller.abort();
  }, [item]);
  const onKey = (event) => event.key === 'Escape' && onClose();
  const payload = details?.payload;
  return html`<aside
    class="entity-card"
    role="dialog"
    aria-label=${`Entity card: ${item.entity.name}`}
    onKeyDown=${onKey}
  >
    <header>
      <h3>${item.entity.name}</h3>
      <button type="button" ref=${closeRef} class="link" onClick=${onClose} aria-label="Close entity card">
        ✕
      </button>
    </header>
    <p>
      <span class="badge">${item.entity.type}</span> <code>${item.entity.id}</code>
      <span class=${`marker ${item.kind === 'kg-fact' ? 'fact' : 'prediction'}`}
        >${item.kind === 'kg-fact' ? 'KG fact' : 'prediction'}</span
      >
    </p>
    ${item.text ? html`<p class="muted">${item.text}</p>` : null}
    <p>Source: ${item.source} · score ${formatNumber(item.score)}</p>
    <${ErrorMessage} error=${error} />
    ${!details && !error ? html`<${Spinner} label="Loading entity…" />` : null}
    ${payload && payload.kind !== 'smiles' ? html`<p class="payload">${payload.value.slice(0, 240)}${payload.value.length > 240 ? '…' : ''}</p>` : null}
    ${payload?.kind === 'smiles' ? html`<code class="smiles">${payload.value}</code>` : null}
    ${
      details
        ? html`<ul class="compact">
            ${details.neighbours.groups.slice(0, 4).map((group) => html`<li><strong>${group.relation}</strong> (${group.total}): ${group.items.map((neighbour, index) => html`${index ? ', ' : ''}<${EntityLink} ...${neighbour} />`)}</li>`)}
          </ul>`
        : null
    }
    <p><a href=${entityHref(item.entity.type, item.entity.id)}>Open entity page →</a></p>
  </aside>`;
}

function Turn({ turn, onCite }) {
  if (turn.role === 'user')
    return html`<div class="turn user">
      <span class="who">You</span>
      <p>${turn.content}</p>
    </div>`;
  const cited = new Set(turn.citations ?? []);
  return html`<div class="turn assistant" aria-busy=${turn.streaming ? 'true' : 'false'}>
    <div class="turn-head">
      <span class="who">BioBridge</span>
      ${turn.mode ? html`<span class=${`badge mode ${turn.mode}`} title=${turn.reason ?? ''}>${turn.mode === 'llm' ? 'LLM' : 'evidence-only'}</span>` : null}
      <${ResultBadge} result=${turn.result} />
      ${turn.streaming ? html`<${Spinner} label=${turn.content ? 'Streaming…' : 'Retrieving evidence…'} />` : null}
      ${turn.stopped ? html`<span class="badge">stopped</span>` : null}
    </div>
    ${turn.content ? html`<${AnswerText} text=${turn.content} evidence=${turn.evidence} onCite=${onCite} />` : null}
    ${turn.reason && turn.mode === 'evidence-only' ? html`<p class="muted small">Evidence-only: ${turn.reason}</p>` : null}
    <${ErrorMessage} error=${turn.error} />
    <${EvidencePanel} evidence=${turn.evidence} cited=${cited} onCite=${onCite} />
  </div>`;
}

export function ChatPage() {
  const [turns, setTurns] = useState(loadHistory);
  const [question, setQuestion] = useState('');
  const [attachment, setAttachment] = useState('');
  const [card, setCard] = useState(null);
  const controller = useRef(null);
  const endRef = useRef(null);
  const busy = turns.some((turn) => turn.streaming);

  useEffect(() => {
    if (!busy) localStorage.setItem(HISTORY_KEY, JSON.stringify(turns.slice(-40)));
    endRef.current?.scrollIntoView({ block: 'nearest' });
  }, [turns, busy]);
  useEffect(() => () => controller.current?.abort(), []);

  const updateLast = (change) =>
    setTurns((current) =>
      current.map((turn, index) => (index === current.length - 1 ? { ...turn, ...change(turn) } : turn)),
    );

  const ask = async (event) => {
    event.preventDefault();
    const text = question.trim();
    if (!text || busy) return;
    // Earlier exchanges that got an answer, as context (a failed or stopped one is left out, question and all).
    const context = [];
    for (let index = 0; index + 1 < turns.length; index += 2) {
      const [asked, answered] = [turns[index], turns[index + 1]];
      if (
        asked.role === 'user' &&
        answered.role === 'assistant' &&
        answered.content &&
        !answered.error &&
        !answered.stopped
      )
        context.push(
          { role: 'user', content: asked.content },
          { role: 'assistant', content: answered.content },
        );
    }
    context.splice(0, Math.max(0, context.length - MAX_CONTEXT_TURNS * 2));
    setTurns((current) => [
      ...current,
      { role: 'user', content: text },
      { role: 'assistant', content: '', streaming: true },
    ]);
    setQuestion('');
    controller.current = new AbortController();
    const smiles = attachment.trim();
    try {
      const body = {
        messages: [...context, { role: 'user', content: text }],
        stream: true,
        ...(smiles
          ? { attachments: /^[ACDEFGHIKLMNPQRSTVWY]{30,}$/.test(smiles) ? { protein: smiles } : { smiles } }
          : {}),
      };
      for await (const { event, data } of streamEvents('/v1/chat', body, controller.current.signal)) {
        if (event === 'evidence-available') updateLast(() => ({ evidence: data.evidence }));
        else if (event === 'answer-delta') updateLast((turn) => ({ content: turn.content + data.text }));
        else if (event === 'answer-end')
          updateLast((turn) => ({
            content: data.answer ?? turn.content,
            citations: data.citations,
            mode: data.mode,
            reason: data.reason,
            ...(data.result ? { result: data.result } : {}),
            ...(data.evidence ? { evidence: data.evidence } : {}),
          }));
        else if (data && typeof data === 'object' && (data.result || data.form))
          // The structured answer event (choice/verdict/items), whatever its name.
          updateLast(() => ({ result: data.result ?? data }));
      }
      updateLast(() => ({ streaming: false }));
    } catch (error) {
      if (error.name === 'AbortError') updateLast(() => ({ streaming: false, stopped: true }));
      else
        updateLast(() => ({
          streaming: false,
          error: { message: error.message, code: error.code, requestId: error.requestId },
        }));
    }
  };

  const onKeyDown = (event) => {
    if (event.key === 'Enter' && !event.shiftKey) ask(event);
  };

  return html`<div class=${`chat-page ${card ? 'with-card' : ''}`}>
    <section class="conversation" aria-label="Conversation" aria-live="polite">
      ${
        turns.length === 0
          ? html`<div class="empty-state">
              <h1>Ask a grounded question</h1>
              <p>
                Answers cite knowledge-graph facts and bridge predictions. Try: “Which proteins does imatinib
                target?”
              </p>
            </div>`
          : null
      }
      ${turns.map((turn, index) => html`<${Turn} key=${index} turn=${turn} onCite=${setCard} />`)}
      <div ref=${endRef}></div>
    </section>
    ${card ? html`<${EntityCard} item=${card} onClose=${() => setCard(null)} />` : null}
    <form class="ask" onSubmit=${ask}>
      <label for="question" class="visually-hidden">Question</label>
      <textarea
        id="question"
        rows="2"
        placeholder="Ask about drugs, targets, diseases, variants… (Enter to send, Shift+Enter for a new line)"
        value=${question}
        onInput=${(event) => setQuestion(event.target.value)}
        onKeyDown=${onKeyDown}
      ></textarea>
      <details class="attach">
        <summary>Attach a SMILES or protein sequence</summary>
        <label for="attachment">SMILES or sequence</label>
        <input
          id="attachment"
          value=${attachment}
          onInput=${(event) => setAttachment(event.target.value)}
          spellcheck="false"
        />
      </details>
      <div class="ask-actions">
        ${
          busy
            ? html`<button type="button" class="danger" onClick=${() => controller.current?.abort()}>
                Stop
              </button>`
            : html`<button type="submit" disabled=${!question.trim()}>Send</button>`
        }
        <button
          type="button"
          class="secondary"
          disabled=${busy || turns.length === 0}
          onClick=${() => {
            setTurns([]);
            setCard(null);
          }}
        >
          New conversation
        </button>
      </div>
    </form>
  </div>`;
}
