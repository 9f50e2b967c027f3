import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors.js';
import { parseWordnetData, type WordnetSynset } from '../kg/wordnet-synsets.js';

/**
 * Name vocabularies outside the KG that ingest can read names from, both Debian packages with
 * free licences (the KG files themselves carry no gene full names and no lay names):
 * - `geneInfo`: `org.Hs.eg.sqlite` of `r-bioc-org.hs.eg.db` (NCBI Gene, public domain; package
 *   Artistic-2.0), the same file the shared KG took its gene symbols from: the full name
 *   ("epidermal growth factor receptor") and alias symbols ("P53", "HER2") of every Entrez gene;
 * - `wordnet`: the `data.*` files of `wordnet-base` (Princeton WordNet 3.0 licence), whose synsets
 *   put lay names and eponyms beside clinical ones ("Lou Gehrig's disease" = ALS).
 * Both are optional: a missing vocabulary adds no names.
 */
export interface NameLexicons {
  /** Entrez gene id → NCBI full name and alias symbols. */
  geneInfo?: Map<string, GeneInfoNames> | undefined;
  wordnet?: WordnetSynset[] | undefined;
}

export interface GeneInfoNames {
  fullName?: string | undefined;
  aliases: string[];
}

export interface NameLexiconPaths {
  /** Path of `org.Hs.eg.sqlite`. */
  geneInfo?: string | undefined;
  /** Directory holding WordNet's `data.noun` (and `data.verb`, `data.adj`, `data.adv`). */
  wordnet?: string | undefined;
}

/** Where the Debian packages install them; `ingest` uses each one found there unless told otherwise. */
export const DEBIAN_LEXICON_PATHS = {
  geneInfo: '/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite',
  wordnet: '/usr/share/wordnet',
} as const satisfies Required<NameLexiconPaths>;

const WORDNET_FILES = ['data.noun', 'data.verb', 'data.adj', 'data.adv'];
/** The gene table is ~3 MB of text; the default 1 MB buffer of execFile would cut it. */
const SQLITE_MAX_BUFFER = 256 * 1024 * 1024;

/**
 * The Debian paths that exist on this machine, for each vocabulary the caller leaves as `auto`;
 * `none` turns one off, any other value is a path that must exist.
 */
export async function resolveLexiconPaths(requested: {
  geneInfo: string;
  wordnet: string;
}): Promise<NameLexiconPaths> {
  const resolve = async (value: string, fallback: string, probe: string) => {
    if (value === 'none') return undefined;
    if (value !== 'auto') return value;
    return (await exists(probe === '' ? fallback : join(fallback, probe))) ? fallback : undefined;
  };
  return {
    geneInfo: await resolve(requested.geneInfo, DEBIAN_LEXICON_PATHS.geneInfo, ''),
    wordnet: await resolve(requested.wordnet, DEBIAN_LEXICON_PATHS.wordnet, 'data.noun'),
  };
}

export async function loadNameLexicons(paths: NameLexiconPaths): Promise<NameLexicons> {
  return {
    geneInfo: paths.geneInfo === undefined ? undefined : await readGeneInfo(paths.geneInfo),
    wordnet: paths.wordnet === undefined ? undefined : await readWordnet(paths.wordnet),
  };
}

/** Full names and alias symbols by Entrez id, read with the `sqlite3` command (Debian `sqlite3`). */
export async function readGeneInfo(path: string): Promise<Map<string, GeneInfoNames>> {
  await mustExist(path, 'geneInfo');
  const genes = new Map<string, GeneInfoNames>();
  const entry = (id: string) => {
    let names = genes.get(id);
    if (!names) genes.set(id, (names = { aliases: [] }));
    return names;
  };
  for (const [id, name] of await sqliteRows(
    path,
    'SELECT g.gene_id, i.gene_name FROM genes g JOIN gene_info i USING (_id);',
  ))
    if (id !== undefined && name !== undefined && name !== '') entry(id).fullName = name;
  for (const [id, alias] of await sqliteRows(
    path,
    'SELECT g.gene_id, a.alias_symbol FROM genes g JOIN alias a USING (_id);',
  ))
    if (id !== undefined && alias !== undefined && alias !== '') entry(id).aliases.push(alias);
  return genes;
}

export async function readWordnet(directory: string): Promise<WordnetSynset[]> {
  await mustExist(join(directory, 'data.noun'), 'wordnet');
  const synsets: WordnetSynset[] = [];
  for (const file of WORDNET_FILES) {
    const path = join(directory, file);
    if (!(await exists(path))) continue;
    synsets.push(...parseWordnetData(await readFile(path, 'latin1')));
  }
  return synsets;
}

async function sqliteRows(path: string, query: string): Promise<string[][]> {
  try {
    const { stdout } = await promisify(execFile)(
      'sqlite3',
      ['-readonly', '-batch', '-noheader', '-separator', '\t', path, query],
      { maxBuffer: SQLITE_MAX_BUFFER },
    );
    return stdout.split('\n').flatMap((line) => (line === '' ? [] : [line.split('\t')]));
  } catch (error) {
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `cannot read gene names from ${path} with the sqlite3 command (Debian package sqlite3): ${
        error instanceof Error ? error.message.split('\n')[0] : String(error)
      }`,
      cause: error,
      details: { field: 'geneInfo', file: path },
    });
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function mustExist(path: string, field: string): Promise<void> {
  if (!(await exists(path)))
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${field}: ${path} does not exist`,
      details: { field, file: path },
    });
}
