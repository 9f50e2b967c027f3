import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol, type RDKitModule } from '../../src/chem/rdkit.js';
import { decodeCsvFile, parseCsvHeader, parseCsvRecords, type CsvRecord } from '../../scripts/demo/csv.js';
import { readSeed, type Seed } from '../../scripts/demo/seed.js';

/**
 * Checks the curated demo seed (data/demo/seed) against the real KG in ../shared/kg. The shared KG
 * is read here only: nothing from it flows into data/demo. Thresholds come from the demo-data
 * brief: every SMILES parses and matches the DrugBank structure, >= 90% of drug-target pairs and
 * >= 80% of disease-gene pairs exist in the real KG.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedKg = resolve(repoRoot, '../shared/kg');
const demoDir = join(repoRoot, 'data/demo');
const hasSharedKg = existsSync(join(sharedKg, 'kg.csv.gz'));
if (!hasSharedKg) console.warn(`demo-data: skipped, the real KG is not at ${sharedKg}`);

const DRUG_TARGET_THRESHOLD = 0.9;
const DISEASE_GENE_THRESHOLD = 0.8;
const RELATIONS_READ = ['drug_protein', 'disease_protein', 'indication'];

function readGzipCsv(path: string): CsvRecord[] {
  return parseCsvRecords(decodeCsvFile(path, readFileSync(path)));
}

/** First line of a large gzip CSV without inflating the rest. */
async function readGzipHeader(path: string): Promise<string[]> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream.pipe(createGunzip()) });
  try {
    for await (const line of lines) return parseCsvHeader(line);
    return [];
  } finally {
    lines.close();
    stream.destroy();
  }
}

interface SharedEdges {
  rows: CsvRecord[];
  /** `relation|display_relation|x_type` of every row of the file. */
  kinds: Set<string>;
}

/** kg.csv.gz is 1.3 M rows: keep only the rows of `relations`, filtered before CSV parsing. */
async function readSharedEdges(relations: string[]): Promise<SharedEdges> {
  const prefixes = relations.map((relation) => `${relation},`);
  const lines = createInterface({
    input: createReadStream(join(sharedKg, 'kg.csv.gz')).pipe(createGunzip()),
  });
  let header: string | undefined;
  const kept: string[] = [];
  const kinds = new Set<string>();
  for await (const line of lines) {
    if (header === undefined) {
      header = line;
      continue;
    }
    if (prefixes.some((prefix) => line.startsWith(prefix))) kept.push(line);
    // The first five columns (relation, display_relation, x_index, x_id, x_type) never hold commas.
    const [relation, display, , , xType] = line.split(',', 5);
    kinds.add(`${relation}|${display}|${xType}`);
  }
  if (header === undefined) throw new Error('shared kg.csv.gz is empty');
  return { rows: parseCsvRecords([header, ...kept].join('\n')), kinds };
}

/** Structure key of the largest fragment (by heavy atoms): salts and solvents in DrugBank SMILES are ignored. */
interface StructureKey {
  inchiKey: string;
  /** The InChI has a stereo layer (/t tetrahedral or /b double bond). */
  hasStereo: boolean;
}

function largestFragmentSmiles(rdkit: RDKitModule, smiles: string): string | undefined {
  const parts = smiles.split('.');
  if (parts.length === 1) return smiles;
  let best: { smiles: string; atoms: number } | undefined;
  for (const part of parts) {
    const atoms = withMol(rdkit, part, (mol) => mol.get_num_atoms(true));
    if (atoms !== undefined && (best === undefined || atoms > best.atoms)) best = { smiles: part, atoms };
  }
  return best?.smiles;
}

function structureKey(rdkit: RDKitModule, smiles: string): StructureKey | undefined {
  const fragment = largestFragmentSmiles(rdkit, smiles);
  if (fragment === undefined) return undefined;
  return withMol(rdkit, fragment, (mol) => {
    const inchi = mol.get_inchi();
    if (!inchi) return undefined;
    return { inchiKey: rdkit.get_inchikey_for_inchi(inchi), hasStereo: /\/[tb]/.test(inchi) };
  });
}

interface DemoGene {
  entrezId: string;
  symbol: string;
}

/** Symbol -> Entrez id from the built demo nodes (the recipe maps symbols through org.Hs.eg.db). */
function readDemoGenes(): Map<string, DemoGene> {
  const path = join(demoDir, 'nodes.csv.gz');
  const genes = new Map<string, DemoGene>();
  if (!existsSync(path)) return genes;
  for (const node of readGzipCsv(path))
    if (node.node_type === 'gene/protein')
      genes.set(node.node_name ?? '', { entrezId: node.node_id ?? '', symbol: node.node_name ?? '' });
  return genes;
}

describe.skipIf(!hasSharedKg)('demo seed against the real KG (../shared/kg)', () => {
  let rdkit: RDKitModule;
  let seed: Seed;
  let sharedNodes: CsvRecord[];
  let sharedEdges: CsvRecord[];
  let sharedKinds: Set<string>;
  let sharedSmiles: Map<string, string>;
  let demoGenes: Map<string, DemoGene>;
  /** node_id -> node for drugs, diseases; symbol -> Entrez id for genes (shared). */
  let sharedDrugs: Map<string, CsvRecord>;
  let sharedDiseasesById: Map<string, CsvRecord>;
  let sharedDiseasesByName: Map<string, CsvRecord>;
  let sharedEntrezBySymbol: Map<string, string>;

  beforeAll(async () => {
    let edges: SharedEdges;
    [rdkit, seed, edges] = await Promise.all([
      loadRDKit(),
      readSeed(join(demoDir, 'seed')),
      readSharedEdges(RELATIONS_READ),
    ]);
    sharedEdges = edges.rows;
    sharedKinds = edges.kinds;
    sharedNodes = readGzipCsv(join(sharedKg, 'nodes.csv.gz'));
    sharedSmiles = new Map(
      readGzipCsv(join(sharedKg, 'drug_smiles.csv.gz')).map((row) => [
        row.drugbank_id ?? '',
        row.smiles ?? '',
      ]),
    );
    sharedDrugs = new Map(
      sharedNodes.filter((node) => node.node_type === 'drug').map((node) => [node.node_id ?? '', node]),
    );
    const diseases = sharedNodes.filter((node) => node.node_type === 'disease');
    sharedDiseasesById = new Map(diseases.map((node) => [node.node_id ?? '', node]));
    sharedDiseasesByName = new Map(diseases.map((node) => [node.node_name ?? '', node]));
    sharedEntrezBySymbol = new Map(
      sharedNodes
        .filter((node) => node.node_type === 'gene/protein')
        .map((node) => [node.node_name ?? '', node.node_id ?? '']),
    );
    demoGenes = readDemoGenes();
  });

  function entrezFor(symbol: string): string | undefined {
    return demoGenes.get(symbol)?.entrezId ?? sharedEntrezBySymbol.get(symbol);
  }

  function sharedDiseaseFor(id: string, name: string): CsvRecord | undefined {
    return id.startsWith('DOID:') ? sharedDiseasesById.get(id) : sharedDiseasesByName.get(name);
  }

  /** `x_id|y_id` of every real-KG edge of `relation` whose head is a `headType`. */
  function sharedPairs(relation: string, headType: string): Set<string> {
    return new Set(
      sharedEdges
        .filter((edge) => edge.relation === relation && edge.x_type === headType)
        .map((edge) => `${edge.x_id}|${edge.y_id}`),
    );
  }

  it('every seed SMILES parses with RDKit', () => {
    const unparsable = seed.drugs
      .filter((drug) => structureKey(rdkit, drug.smiles) === undefined)
      .map((drug) => drug.drugbankId);
    expect(unparsable, 'seed drugs whose SMILES RDKit cannot parse').toEqual([]);
  });

  it('every seed structure matches the DrugBank structure of its id (InChIKey of the largest fragment)', () => {
    // Full InChIKey equality is required. The one exception: when the reference SMILES carries no
    // stereo at all (an unspecified racemate or a DrugBank entry without stereo) and the seed's does,
    // the first InChIKey block (connectivity, 14 characters) is compared instead. Counts are logged.
    const missing: string[] = [];
    const mismatched: string[] = [];
    let full = 0;
    const connectivityOnly: string[] = [];
    for (const drug of seed.drugs) {
      const referenceSmiles = sharedSmiles.get(drug.drugbankId);
      if (referenceSmiles === undefined || referenceSmiles === '') {
        missing.push(`${drug.drugbankId} ${drug.name}`);
        continue;
      }
      const ours = structureKey(rdkit, drug.smiles);
      const reference = structureKey(rdkit, referenceSmiles);
      if (ours === undefined || reference === undefined) {
        mismatched.push(`${drug.drugbankId} ${drug.name}: unparsable`);
        continue;
      }
      if (ours.inchiKey === reference.inchiKey) full += 1;
      else if (!reference.hasStereo && ours.inchiKey.slice(0, 14) === reference.inchiKey.slice(0, 14))
        connectivityOnly.push(drug.name);
      else {
        const level =
          ours.inchiKey.slice(0, 14) === reference.inchiKey.slice(0, 14)
            ? 'stereo differs'
            : 'connectivity differs';
        mismatched.push(`${drug.drugbankId} ${drug.name}: ${level}`);
      }
    }
    console.info(
      `demo-data structures: ${seed.drugs.length} drugs, full InChIKey match ${full}, ` +
        `connectivity-only match (reference without stereo) ${connectivityOnly.length} (${connectivityOnly.join(', ')}), mismatched ${mismatched.length}, missing ${missing.length}`,
    );
    expect(
      { missing, mismatched },
      'seed drugs without a SMILES in the real KG, or whose structure differs',
    ).toEqual({
      missing: [],
      mismatched: [],
    });
  });

  it(`at least ${DRUG_TARGET_THRESHOLD * 100}% of seed drug-target pairs are drug_protein edges of the real KG`, () => {
    const pairs = sharedPairs('drug_protein', 'drug');
    const absent: string[] = [];
    let total = 0;
    for (const drug of seed.drugs)
      for (const symbol of drug.targets) {
        total += 1;
        const entrez = entrezFor(symbol);
        if (entrez === undefined || !pairs.has(`${drug.drugbankId}|${entrez}`))
          absent.push(`${drug.name}->${symbol}`);
      }
    const coverage = (total - absent.length) / total;
    console.info(
      `demo-data drug-target pairs: ${total - absent.length}/${total} (${(coverage * 100).toFixed(1)}%) in the real KG; absent: ${absent.join(', ')}`,
    );
    expect(coverage).toBeGreaterThanOrEqual(DRUG_TARGET_THRESHOLD);
  });

  it(`at least ${DISEASE_GENE_THRESHOLD * 100}% of seed disease-gene pairs are disease_protein edges of the real KG`, () => {
    const pairs = sharedPairs('disease_protein', 'disease');
    const absent: string[] = [];
    const diseasesWithoutAny: string[] = [];
    const perDisease: string[] = [];
    let total = 0;
    for (const disease of seed.diseases) {
      const node = sharedDiseaseFor(disease.id, disease.name);
      let found = 0;
      for (const symbol of disease.genes) {
        total += 1;
        const entrez = entrezFor(symbol);
        if (node !== undefined && entrez !== undefined && pairs.has(`${node.node_id}|${entrez}`)) found += 1;
        else absent.push(`${disease.name}->${symbol}`);
      }
      if (disease.genes.length > 0 && found === 0) diseasesWithoutAny.push(disease.name);
      if (disease.genes.length > 0) perDisease.push(`${disease.name} ${found}/${disease.genes.length}`);
    }
    const coverage = (total - absent.length) / total;
    console.info(
      `demo-data disease-gene pairs: ${total - absent.length}/${total} (${(coverage * 100).toFixed(1)}%) in the real KG; ` +
        `diseases with none: ${diseasesWithoutAny.join(', ')}; per disease: ${perDisease.join(', ')}; absent pairs: ${absent.join(', ')}`,
    );
    expect(coverage).toBeGreaterThanOrEqual(DISEASE_GENE_THRESHOLD);
  });

  it('every seed DOID is a disease of the real KG (DO 2015) under the same name', () => {
    const unknown: string[] = [];
    const renamed: string[] = [];
    for (const disease of seed.diseases) {
      if (!disease.id.startsWith('DOID:')) continue;
      const node = sharedDiseasesById.get(disease.id);
      if (node === undefined) unknown.push(disease.id);
      else if (node.node_name !== disease.name) renamed.push(`${disease.id} (seed: ${disease.name})`);
    }
    expect(unknown, 'seed DOIDs absent from the real KG').toEqual([]);
    expect(renamed, 'seed DOIDs whose seed name is not the DO name').toEqual([]);
  });

  it('seed indications: share of drug-disease pairs that are indication edges of the real KG (reported)', () => {
    const pairs = sharedPairs('indication', 'drug');
    const diseaseByName = new Map(seed.diseases.map((disease) => [disease.name, disease]));
    let total = 0;
    let found = 0;
    for (const drug of seed.drugs)
      for (const name of drug.indications) {
        total += 1;
        const disease = diseaseByName.get(name);
        const node = disease === undefined ? undefined : sharedDiseaseFor(disease.id, disease.name);
        if (node !== undefined && pairs.has(`${drug.drugbankId}|${node.node_id}`)) found += 1;
      }
    // PharmacotherapyDB covers 97 diseases only, so this is reported, not held to a threshold.
    console.info(`demo-data indications: ${found}/${total} seed pairs are indication edges of the real KG`);
    expect(total).toBeGreaterThan(0);
  });

  it('seed drug names: DrugBank names of the real KG (reported, display only)', () => {
    const differing = seed.drugs
      .filter((drug) => {
        const node = sharedDrugs.get(drug.drugbankId);
        return node !== undefined && (node.node_name ?? '').toLowerCase() !== drug.name.toLowerCase();
      })
      .map((drug) => drug.drugbankId);
    console.info(
      `demo-data drug names differing from the real KG: ${differing.length} (${differing.join(', ')})`,
    );
    expect(
      seed.drugs.every((drug) => sharedDrugs.has(drug.drugbankId)),
      'every seed DrugBank id is a drug of the real KG',
    ).toBe(true);
  });

  describe.skipIf(!existsSync(join(demoDir, 'nodes.csv.gz')))(
    'built demo files use the real KG format',
    () => {
      const files = [
        'kg.csv.gz',
        'nodes.csv.gz',
        'protein_sequences.csv.gz',
        'drug_smiles.csv.gz',
        'text_features.csv.gz',
      ];

      it.each(files)('%s has the header of the real KG file', async (file) => {
        const demoHeader = parseCsvHeader(decodeCsvFile(file, readFileSync(join(demoDir, file))));
        expect(demoHeader).toEqual(await readGzipHeader(join(sharedKg, file)));
      });

      it('node_source per node type and relation / display_relation per type pair are those of the real KG', () => {
        const sourcesByType = (nodes: CsvRecord[]) => {
          const map = new Map<string, Set<string>>();
          for (const node of nodes) {
            const key = node.node_type ?? '';
            if (!map.has(key)) map.set(key, new Set());
            map.get(key)?.add(node.node_source ?? '');
          }
          return map;
        };
        const demoNodes = readGzipCsv(join(demoDir, 'nodes.csv.gz'));
        const shared = sourcesByType(sharedNodes);
        for (const [type, sources] of sourcesByType(demoNodes)) {
          expect(shared.has(type), `node type ${type}`).toBe(true);
          // Name-based disease ids (no confident DOID) carry their own source.
          const expected = [...sources].filter((source) => !(type === 'disease' && source === 'name'));
          for (const source of expected)
            expect(shared.get(type)?.has(source), `${type} source ${source}`).toBe(true);
        }
        const demoKinds = new Set(
          parse<CsvRecord>(decodeCsvFile('kg.csv.gz', readFileSync(join(demoDir, 'kg.csv.gz'))), {
            columns: true,
          }).map((edge) => `${edge.relation}|${edge.display_relation}|${edge.x_type}`),
        );
        for (const kind of demoKinds) expect(sharedKinds.has(kind), `edge kind ${kind}`).toBe(true);
      });
    },
  );
});
