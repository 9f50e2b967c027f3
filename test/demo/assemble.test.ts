import { describe, expect, it } from 'vitest';
import type { Gene, GoAnnotation, GoTerm } from '../../scripts/demo/annotations.js';
import {
  assembleDemoKg,
  compareNodes,
  pickSequence,
  type DemoKgInputs,
} from '../../scripts/demo/assemble.js';
import { renderDemoKg } from '../../scripts/demo/write-output.js';
import { parseCsvRecords } from '../../scripts/demo/csv.js';
import type { Seed } from '../../scripts/demo/seed.js';

const seed: Seed = {
  drugs: [
    {
      drugbankId: 'DB00619',
      name: 'Imatinib',
      drugClass: 'kinase inhibitor',
      smiles: 'CC',
      targets: ['ABL1', 'KIT'],
      indications: ['chronic myeloid leukemia'],
      source: 's',
    },
    {
      drugbankId: 'DB00001',
      name: 'Orphan',
      drugClass: 'x',
      smiles: 'C',
      targets: ['NOSEQ'],
      indications: [],
      source: 's',
    },
  ],
  diseases: [
    {
      id: 'DOID:8552',
      name: 'chronic myeloid leukemia',
      genes: ['ABL1'],
      definition: 'A leukaemia.',
      source: 's',
    },
    { id: 'name:lonely', name: 'lonely', genes: ['NOSEQ'], definition: 'No edges left.', source: 's' },
  ],
};

const gene = (entrezId: string, symbol: string, uniprotAccessions: string[]): Gene => ({
  entrezId,
  symbol,
  uniprotAccessions,
});
const goTerm = (goId: string, name: string, ontology: GoTerm['ontology']): GoTerm => ({
  goId,
  name,
  ontology,
  definition: `${name}.`,
});

function inputs(overrides: Partial<DemoKgInputs> = {}): DemoKgInputs {
  const annotations: GoAnnotation[] = [
    { entrezId: '25', goId: 'GO:0004713', ontology: 'MF', evidence: 'IDA' },
    { entrezId: '25', goId: 'GO:0004713', ontology: 'MF', evidence: 'IEA' },
    { entrezId: '3815', goId: 'GO:0004714', ontology: 'MF', evidence: 'TAS' },
    { entrezId: '3815', goId: 'GO:0005575', ontology: 'CC', evidence: 'ND' },
    { entrezId: '25', goId: 'GO:9999999', ontology: 'BP', evidence: 'IDA' },
  ];
  return {
    seed,
    genes: new Map([
      ['ABL1', gene('25', 'ABL1', ['A0A000', 'P00519'])],
      ['KIT', gene('3815', 'KIT', ['P10721'])],
      ['NOSEQ', gene('7', 'NOSEQ', [])],
    ]),
    sequences: new Map([
      ['A0A000', 'MSHORT'],
      [
        'P00519',
        'MLEICLKLVGCKSKKGLSSSSSCYLEEALQRPVASDFEPQGLSEAARWNSKENLLAGPSENDPNLFVALYDFVASGDNTLSITKGEKLRVLGYNHNGEWCEAQTKNGQGWVPSNYITPVN',
      ],
      [
        'P10721',
        'MRGARGAWDFLCVLLLLLRVQTGSSQPSVSPGEPSPPSIHPGKSDLIVRVGDEIRLLCTDPGFVKWTFEILDETNENKQNEWITEKAEATNTGKYTCTNKHGLSNSIYVFVRDPAKLFLVDRSLYGKEDNDTLVRCPLTDPEVTNYSLKGCQGKPLPKDLRFIPDPKAGIMIKSVKRAYHRLCLHCSVDQEGKSVLSEKFILKVRPAFKAVPVVSVSKASYLLREGEEFTVTCTIKDVSSSVYSTWKRENSQTKLQEKYNSWHHGDFNYERQATLTISSARVNDSGVFMCYANNTFGSANVTTTLEVVDKGFINIFPMINTTVFVNDGENVDLIVEYEAFPKPEHQQWIYMNRTFTDKWEDYPKSENESNIRYVSELHLTRLKGTEGGTYTFLVSNSDVNAAIAFNVYVNTKPEILTYDRLVNGMLQCVAAGFPEPTIDWYFCPGTEQRCSASVLPVDVQTLNSSGPPFGKLVVQSSIDSSAFKHNGTVECKAYNDVGKTSAYFNFAFKGNNKEQIHPHTLFTPLLIGFVIVAGMMCIIVMILTYKYLQKPMYEVQWKVVEEINGNNYVYIDPTQLPYDHKWEFPRNRLSFGKTLGAGAFGKVVEATAYGLIKSDAAMTVAVKMLKPSAHLTEREALMSELKVLSYLGNHMNIVNLLGACTIGGPTLVITEYCCYGDLLNFLRRKRDSFICSKQEDHAEAALYKNLLHSKESSCSDSTNEYMDMKPGVSYVVPTKADKRRSVRIGSYIERDVTPAIMEDDELALDLEDLLSFSYQVAKGMAFLASKNCIHRDLAARNILLTHGRITKICDFGLARDIKNDSNYVVKGNARLPVKWMAPESIFNCVYTFESDVWSYGIFLWELFSLGSSPYPGMPVDSKFYKMIKEGFRMLSPEHAPAEMYDIMKTCWDADPLKRPTFKQIVQLIEKQISESTNHIYSNLANCSPNRQKPVVDHSVRINSVGSTASSSQPLLVHDDV',
      ],
    ]),
    goAnnotations: annotations,
    goTerms: new Map([
      ['GO:0004713', goTerm('GO:0004713', 'protein tyrosine kinase activity', 'MF')],
      ['GO:0004714', goTerm('GO:0004714', 'transmembrane receptor protein tyrosine kinase activity', 'MF')],
      ['GO:0005575', goTerm('GO:0005575', 'cellular_component', 'CC')],
    ]),
    goIsA: [{ childId: 'GO:0004714', parentId: 'GO:0004713', ontology: 'MF' }],
    ...overrides,
  };
}

describe('assembleDemoKg', () => {
  it('builds dense, sorted nodes and both directions of every edge', () => {
    const kg = assembleDemoKg(inputs());
    expect(
      kg.nodes.map((node) => `${node.index} ${node.type} ${node.id} ${node.name} ${node.source}`),
    ).toEqual([
      '0 disease DOID:8552 chronic myeloid leukemia DOID',
      '1 drug DB00619 Imatinib DrugBank',
      '2 gene/protein 25 ABL1 NCBI',
      '3 gene/protein 3815 KIT NCBI',
      '4 molecular_function GO:0004713 protein tyrosine kinase activity GO',
      '5 molecular_function GO:0004714 transmembrane receptor protein tyrosine kinase activity GO',
    ]);
    expect(
      kg.edges.map((edge) => `${edge.relation}/${edge.displayRelation} ${edge.x.index}->${edge.y.index}`),
    ).toEqual([
      'disease_protein/associated with 0->2',
      'disease_protein/associated with 2->0',
      'drug_protein/target 1->2',
      'drug_protein/target 1->3',
      'drug_protein/target 2->1',
      'drug_protein/target 3->1',
      'indication/indication 0->1',
      'indication/indication 1->0',
      'molfunc_molfunc/parent-child 4->5',
      'molfunc_molfunc/parent-child 5->4',
      'molfunc_protein/interacts with 2->4',
      'molfunc_protein/interacts with 3->5',
      'molfunc_protein/interacts with 4->2',
      'molfunc_protein/interacts with 5->3',
    ]);
  });

  it('reports what it leaves out: genes without sequence, nodes left without edges, ND-only and unknown-term annotations', () => {
    const { report } = assembleDemoKg(inputs());
    expect(report).toEqual({
      genesWithoutSequence: ['NOSEQ'],
      drugsWithoutEdges: ['DB00001'],
      diseasesWithoutEdges: ['name:lonely'],
      annotationsExcludedByEvidence: 1,
      annotationsWithUnknownTerm: 1,
    });
  });

  it('writes feature tables keyed by node_index', () => {
    const kg = assembleDemoKg(inputs());
    expect(
      kg.proteinSequences.map((row) => `${row.index} ${row.entrezId} ${row.symbol} ${row.uniprotId}`),
    ).toEqual(['2 25 ABL1 P00519', '3 3815 KIT P10721']);
    expect(kg.drugSmiles).toEqual([{ index: 1, drugbankId: 'DB00619', name: 'Imatinib', smiles: 'CC' }]);
    expect(kg.textFeatures.map((row) => `${row.index} ${row.id} ${row.definition}`)).toEqual([
      '0 DOID:8552 A leukaemia.',
      '4 GO:0004713 protein tyrosine kinase activity.',
      '5 GO:0004714 transmembrane receptor protein tyrosine kinase activity.',
    ]);
  });

  it('renders CSV that parses back to the same rows, quoting names with commas', () => {
    const kg = assembleDemoKg(
      inputs({
        goTerms: new Map([['GO:0004713', goTerm('GO:0004713', 'kinase activity, "tyrosine"', 'MF')]]),
      }),
    );
    const files = renderDemoKg(kg);
    const text = files['text_features.csv.gz'] ?? '';
    expect(text).toContain('"kinase activity, ""tyrosine"""');
    expect(parseCsvRecords(text).find((row) => row.node_id === 'GO:0004713')?.name).toBe(
      'kinase activity, "tyrosine"',
    );
    expect(parseCsvRecords(files['kg.csv.gz'] ?? '')).toHaveLength(kg.edges.length);
  });
});

describe('pickSequence', () => {
  it('takes the longest Swiss-Prot entry, ties broken by accession order', () => {
    const sequences = new Map([
      ['F7VJQ1', 'MAAA'],
      ['P04156', 'MAAAAAAAA'],
      ['P01911', 'MXXX'],
      ['P01912', 'MYYY'],
    ]);
    expect(pickSequence(gene('5621', 'PRNP', ['F7VJQ1', 'P04156']), sequences)?.accession).toBe('P04156');
    expect(pickSequence(gene('3123', 'HLA-DRB1', ['P01911', 'P01912']), sequences)?.accession).toBe('P01911');
    expect(pickSequence(gene('1', 'NONE', ['Q00000']), sequences)).toBeUndefined();
  });
});

describe('compareNodes', () => {
  it('orders by type, then Entrez ids numerically and other ids by code unit', () => {
    const sorted = [
      { type: 'gene/protein', id: '100' },
      { type: 'disease', id: 'DOID:9352' },
      { type: 'gene/protein', id: '25' },
      { type: 'disease', id: 'DOID:10652' },
    ].sort(compareNodes);
    expect(sorted.map((node) => node.id)).toEqual(['DOID:10652', 'DOID:9352', '25', '100']);
  });
});
