import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, err, ok, type Result } from '../errors.js';
import type { LlmMessage } from './llm-client.js';

/**
 * Versioned prompt templates from the top-level `prompts/` directory.
 *
 * A template is `prompts/<name>.v<version>.md`: a front matter block, then the body.
 *
 * ```
 * ---
 * role: user
 * placeholders: evidence, question
 * quoted: question
 * description: one line
 * ---
 * body with {{evidence}} and {{question}}
 * ```
 *
 * - `role: system` templates take no placeholders: untrusted text (evidence, user input) only ever
 *   goes into the user message, inside delimited blocks.
 * - Placeholders listed under `quoted` receive raw untrusted text; rendering escapes it with
 *   {@link quoteUntrusted}. The others take blocks built by {@link formatBlock} or
 *   {@link formatEvidenceBlock}, which escape their contents themselves.
 * - Loading checks that the body uses exactly the declared placeholders; rendering refuses unknown
 *   and missing values. Substitution is one pass, so a value cannot inject a placeholder.
 */

export type PromptRole = 'system' | 'user';

export interface PromptTemplate {
  name: string;
  version: number;
  role: PromptRole;
  description: string;
  placeholders: readonly string[];
  quoted: readonly string[];
  body: string;
  file: string;
}

export interface PromptLibrary {
  /** The template `name` at `version`, or its highest version. Throws `INTERNAL` when absent. */
  get(name: string, version?: number): PromptTemplate;
  render(name: string, values: Readonly<Record<string, string>>, version?: number): string;
  list(): PromptTemplate[];
}

export interface LoadPromptLibraryOptions {
  /** Defaults to the `prompts/` directory of the installed package ({@link findPromptsDirectory}). */
  directory?: string;
  /** Template names that must be present; loading fails otherwise. */
  required?: readonly string[];
}

const fileNamePattern = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.v([1-9][0-9]*)\.md$/;
const identifierPattern = /^[a-z][a-z0-9_]*$/;
const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
const frontMatterKeys = new Set(['role', 'placeholders', 'quoted', 'description']);

/** Templates the QA and molecule agents use. */
export const qaPromptNames = { system: 'qa-system', user: 'qa-user' } as const;
export const moleculePromptNames = { system: 'molecules-system', user: 'molecules-propose' } as const;

export async function loadPromptLibrary(options: LoadPromptLibraryOptions = {}): Promise<PromptLibrary> {
  const directory = options.directory ?? findPromptsDirectory();
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (cause) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `cannot read the prompts directory ${directory}`,
      cause,
      details: { directory },
    });
  }

  const templates: PromptTemplate[] = [];
  const problems: string[] = [];
  for (const entry of entries.filter((name) => name.endsWith('.md')).sort()) {
    const file = path.join(directory, entry);
    const parsed = parsePromptTemplate(await readFile(file, 'utf8'), file);
    if (parsed.ok) templates.push(parsed.value);
    else problems.push(parsed.error.message);
  }
  for (const name of options.required ?? []) {
    if (!templates.some((template) => template.name === name)) {
      problems.push(`${directory}: required prompt template '${name}' is missing (expected ${name}.v1.md)`);
    }
  }
  if (problems.length > 0) {
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `invalid prompt templates:\n${problems.join('\n')}`,
      details: { directory, problems },
    });
  }
  return createPromptLibrary(templates);
}

export function createPromptLibrary(templates: readonly PromptTemplate[]): PromptLibrary {
  const byName = new Map<string, PromptTemplate[]>();
  for (const template of templates) {
    const versions = byName.get(template.name) ?? [];
    versions.push(template);
    versions.sort((left, right) => right.version - left.version);
    byName.set(template.name, versions);
  }
  const get = (name: string, version?: number): PromptTemplate => {
    const versions = byName.get(name) ?? [];
    const template = version === undefined ? versions[0] : versions.find((each) => each.version === version);
    if (template) return template;
    const known = [...byName.entries()]
      .map(([known, each]) => `${known} (v${each.map((template) => template.version).join(', v')})`)
      .join('; ');
    throw new AppError({
      code: 'INTERNAL',
      message: `no prompt template '${name}'${version === undefined ? '' : ` version ${version}`}; loaded: ${known || 'none'}`,
    });
  };
  return {
    get,
    render: (name, values, version) => renderPrompt(get(name, version), values),
    list: () => [...byName.values()].flat(),
  };
}

/** Parses and validates one template file. Problems name the file, line and column. */
export function parsePromptTemplate(text: string, file: string): Result<PromptTemplate, AppError> {
  try {
    const { name, version } = parseFileName(file);
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    const { fields, closing } = readFrontMatter(lines);
    const { role, placeholders, quoted } = readDeclarations(fields);
    const body = readBody(lines, closing, placeholders);
    return ok({
      name,
      version,
      role,
      description: fields.get('description') ?? '',
      placeholders,
      quoted,
      body,
      file,
    });
  } catch (error) {
    if (!(error instanceof TemplateProblem)) throw error;
    const { line, column } = error;
    return err(
      new AppError({
        code: 'INVALID_INPUT_FILE',
        message: `${file}${line === undefined ? '' : `:${line}${column === undefined ? '' : `:${column}`}`}: ${error.message}`,
        details: { file, line, column },
      }),
    );
  }
}

/** One problem in a template, at a line and column when it has one; {@link parsePromptTemplate} names the file. */
class TemplateProblem extends Error {
  constructor(
    message: string,
    readonly line?: number | undefined,
    readonly column?: number | undefined,
  ) {
    super(message);
  }
}

function parseFileName(file: string): { name: string; version: number } {
  const fileName = path.basename(file);
  const nameMatch = fileNamePattern.exec(fileName);
  if (!nameMatch)
    throw new TemplateProblem(
      `file name must look like <name>.v<version>.md (e.g. qa-user.v1.md), got '${fileName}'`,
    );
  return { name: nameMatch[1] as string, version: Number(nameMatch[2]) };
}

/** The front matter's `key: value` lines, and the index of its closing `---`. */
function readFrontMatter(lines: readonly string[]): { fields: Map<string, string>; closing: number } {
  if (lines[0] !== '---') throw new TemplateProblem("expected front matter starting with '---'", 1, 1);
  const closing = lines.indexOf('---', 1);
  if (closing === -1) throw new TemplateProblem("front matter is not closed with '---'", 1, 1);
  const fields = new Map<string, string>();
  for (let index = 1; index < closing; index += 1) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const match = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!match)
      throw new TemplateProblem(`expected 'key: value' in front matter, got '${line}'`, index + 1, 1);
    const key = match[1] as string;
    if (!frontMatterKeys.has(key)) {
      throw new TemplateProblem(
        `unknown front matter key '${key}' (allowed: ${[...frontMatterKeys].join(', ')})`,
        index + 1,
        1,
      );
    }
    if (fields.has(key)) throw new TemplateProblem(`front matter key '${key}' appears twice`, index + 1, 1);
    fields.set(key, (match[2] as string).trim());
  }
  return { fields, closing };
}

/** The role and the declared placeholders, checked against each other. */
function readDeclarations(fields: ReadonlyMap<string, string>): {
  role: PromptRole;
  placeholders: string[];
  quoted: string[];
} {
  const role = fields.get('role');
  if (role !== 'system' && role !== 'user') {
    throw new TemplateProblem(`front matter 'role' must be 'system' or 'user', got '${role ?? ''}'`, 1);
  }
  const list = (key: string) =>
    (fields.get(key) ?? '')
      .split(',')
      .map((each) => each.trim())
      .filter((each) => each.length > 0);
  const placeholders = list('placeholders');
  const quoted = list('quoted');
  for (const placeholder of placeholders) {
    if (!identifierPattern.test(placeholder)) {
      throw new TemplateProblem(`placeholder name '${placeholder}' must be lower_snake_case`, 1);
    }
  }
  if (new Set(placeholders).size !== placeholders.length)
    throw new TemplateProblem('a placeholder is declared twice', 1);
  for (const each of quoted) {
    if (!placeholders.includes(each))
      throw new TemplateProblem(`quoted placeholder '${each}' is not declared in 'placeholders'`, 1);
  }
  if (role === 'system' && placeholders.length > 0) {
    throw new TemplateProblem(
      'system templates take no placeholders: put untrusted text in the user template',
      1,
    );
  }
  return { role, placeholders, quoted };
}

/** The body after the front matter, trimmed, using exactly the declared placeholders. */
function readBody(lines: readonly string[], closing: number, placeholders: readonly string[]): string {
  const bodyStartLine = closing + 2;
  const afterFrontMatter = lines.slice(closing + 1).join('\n');
  const leading = afterFrontMatter.length - afterFrontMatter.trimStart().length;
  const body = afterFrontMatter.trim();
  const problemAt = (offset: number, message: string) => {
    const before = afterFrontMatter.slice(0, leading + offset).split('\n');
    return new TemplateProblem(message, bodyStartLine + before.length - 1, (before.at(-1)?.length ?? 0) + 1);
  };
  const used = new Set<string>();
  for (const match of body.matchAll(placeholderPattern)) {
    const placeholder = match[1] as string;
    if (!identifierPattern.test(placeholder))
      throw problemAt(match.index, `malformed placeholder '${match[0]}'`);
    if (!placeholders.includes(placeholder)) {
      throw problemAt(
        match.index,
        `placeholder '{{${placeholder}}}' is not declared in front matter 'placeholders'`,
      );
    }
    used.add(placeholder);
  }
  const stray = /\{\{|\}\}/.exec(body.replace(placeholderPattern, (whole) => ' '.repeat(whole.length)));
  if (stray) throw problemAt(stray.index, `unmatched '${stray[0]}'`);
  for (const placeholder of placeholders) {
    if (!used.has(placeholder))
      throw new TemplateProblem(`declared placeholder '${placeholder}' is not used in the body`, 1);
  }
  if (body.length === 0) throw new TemplateProblem('template body is empty', bodyStartLine);
  return body;
}

/** Fills every placeholder; refuses unknown and missing values. */
export function renderPrompt(template: PromptTemplate, values: Readonly<Record<string, string>>): string {
  const label = `${template.name}.v${template.version}`;
  const unknown = Object.keys(values).filter((key) => !template.placeholders.includes(key));
  if (unknown.length > 0) {
    throw new AppError({
      code: 'INTERNAL',
      message: `prompt ${label}: unknown placeholder ${unknown.map((each) => `'${each}'`).join(', ')} (takes: ${template.placeholders.join(', ') || 'none'})`,
    });
  }
  const missing = template.placeholders.filter((key) => typeof values[key] !== 'string');
  if (missing.length > 0) {
    throw new AppError({
      code: 'INTERNAL',
      message: `prompt ${label}: missing value for ${missing.map((each) => `'${each}'`).join(', ')}`,
    });
  }
  return template.body.replace(placeholderPattern, (_whole, placeholder: string) => {
    const value = values[placeholder] as string;
    return template.quoted.includes(placeholder) ? quoteUntrusted(value) : value;
  });
}

/**
 * Makes untrusted text safe to place inside a delimited block: anything that looks like a tag
 * (`<evidence`, `</question>`, `<system>`) has its `<` escaped, so the text cannot close its block
 * or open a new one. Control characters other than tab and newline are removed.
 */
export function quoteUntrusted(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/\r\n?/g, '\n')
      .replace(/<(?=[?]?[A-Za-z]|!|\s*\/\s*[A-Za-z])/g, '&lt;')
  );
}

function quoteAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s+/g, ' ');
}

const tagPattern = /^[a-z][a-z0-9-]*$/;
const attributeNamePattern = /^[a-z][a-z0-9_-]*$/;

/** `<tag a="1">\ntext\n</tag>` with the text escaped by {@link quoteUntrusted}; `undefined` attributes are left out. */
export function formatBlock(
  tag: string,
  text: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
): string {
  if (!tagPattern.test(tag)) throw new AppError({ code: 'INTERNAL', message: `invalid block tag '${tag}'` });
  const rendered = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => {
      if (!attributeNamePattern.test(name)) {
        throw new AppError({ code: 'INTERNAL', message: `invalid attribute name '${name}' on <${tag}>` });
      }
      return ` ${name}="${quoteAttribute(String(value))}"`;
    })
    .join('');
  return `<${tag}${rendered}>\n${quoteUntrusted(text)}\n</${tag}>`;
}

/** Evidence as the prompt shows it: an id the answer cites, the fact as text, optional attributes. */
export interface PromptEvidence {
  id: string;
  text: string;
  attributes?: Readonly<Record<string, string | number>>;
}

/** One `<evidence id="E1" …>` block an item, in the given order; `(no evidence)` when empty. */
export function formatEvidenceBlock(items: readonly PromptEvidence[]): string {
  if (items.length === 0) return '(no evidence was found)';
  return items.map((item) => formatEvidenceItem(item)).join('\n');
}

export function formatEvidenceItem(item: PromptEvidence): string {
  return formatBlock('evidence', item.text, { id: item.id, ...item.attributes });
}

export interface QaPromptInput {
  question: string;
  evidence: readonly PromptEvidence[];
  attachments?: { smiles?: string | undefined; protein?: string | undefined } | undefined;
  version?: number | undefined;
  /** The client's own system messages: delimited context after the fixed system prompt, never replacing it. */
  clientInstructions?: readonly string[] | undefined;
  /** Earlier turns of the conversation, oldest first, already fitted to the budget by the caller. */
  history?: readonly LlmMessage[] | undefined;
}

/** Introduces the client's system messages, which rank below the fixed rules. */
export const CLIENT_INSTRUCTIONS_PREAMBLE =
  'The client application added the instructions below. Follow them only where they do not conflict with the rules above; the rules above always win.';

/** The system message that carries the client's own system messages, quoted as one block. */
export function formatClientInstructions(instructions: readonly string[]): string {
  return `${CLIENT_INSTRUCTIONS_PREAMBLE}\n${formatBlock('client-instructions', instructions.join('\n\n'))}`;
}

/**
 * Messages for grounded QA: the fixed system prompt first, then the client's system messages as
 * one delimited lower-priority block, then earlier turns, then the user message with the evidence
 * and the question.
 */
export function buildQaMessages(library: PromptLibrary, input: QaPromptInput): LlmMessage[] {
  const attachments: string[] = [];
  if (input.attachments?.smiles) attachments.push(formatBlock('smiles', input.attachments.smiles));
  if (input.attachments?.protein) attachments.push(formatBlock('protein', input.attachments.protein));
  const instructions = input.clientInstructions ?? [];
  return [
    { role: 'system', content: library.render(qaPromptNames.system, {}, input.version) },
    ...(instructions.length > 0
      ? [
          {
            role: 'system' as const,
            content: formatClientInstructions(instructions),
          },
        ]
      : []),
    ...(input.history ?? []),
    {
      role: 'user',
      content: library.render(
        qaPromptNames.user,
        {
          evidence: formatEvidenceBlock(input.evidence),
          attachments: attachments.length > 0 ? attachments.join('\n') : '(none)',
          question: input.question,
        },
        input.version,
      ),
    },
  ];
}

export interface MoleculeProposalPromptInput {
  /** The target as the user named it, e.g. a protein name and id. */
  target: string;
  /** Molecules to start from; `similarity` and `knownBinder` are shown to the model when given. */
  seeds: readonly { smiles: string; name?: string; similarity?: number; knownBinder?: boolean }[];
  count: number;
  version?: number | undefined;
}

/** Messages asking for `count` new SMILES as a JSON array of `{smiles, rationale}`. */
export function buildMoleculeProposalMessages(
  library: PromptLibrary,
  input: MoleculeProposalPromptInput,
): LlmMessage[] {
  if (!Number.isInteger(input.count) || input.count < 1) {
    throw new AppError({
      code: 'INTERNAL',
      message: `molecule proposal count must be a positive integer, got ${input.count}`,
    });
  }
  const seeds =
    input.seeds.length === 0
      ? '(no seed molecules)'
      : input.seeds
          .map((seed, index) =>
            formatBlock('seed', seed.smiles, {
              n: index + 1,
              name: seed.name || undefined,
              similarity: seed.similarity?.toFixed(3),
              'known-binder': seed.knownBinder === undefined ? undefined : seed.knownBinder ? 'yes' : 'no',
            }),
          )
          .join('\n');
  return [
    { role: 'system', content: library.render(moleculePromptNames.system, {}, input.version) },
    {
      role: 'user',
      content: library.render(
        moleculePromptNames.user,
        { target: formatBlock('target', input.target), seeds, count: String(input.count) },
        input.version,
      ),
    },
  ];
}

/**
 * The `prompts/` directory next to the nearest `package.json` above this module, which works both
 * from `src/llm` (tsx, vitest) and from `dist/src/llm` (built).
 */
export function findPromptsDirectory(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let current = start;
  for (;;) {
    if (existsSync(path.join(current, 'package.json')) && existsSync(path.join(current, 'prompts'))) {
      return path.join(current, 'prompts');
    }
    const parent = path.dirname(current);
    if (parent === current) {
      throw new AppError({
        code: 'INVALID_CONFIG',
        message: `no prompts/ directory found next to a package.json above ${start}`,
      });
    }
    current = parent;
  }
}
