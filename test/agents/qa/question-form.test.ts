import { describe, expect, it } from 'vitest';
import {
  extractOptions,
  parseQuestion,
  splitSubjects,
  typedPhrase,
} from '../../../src/agents/qa/question-form.js';

const OPTIONS = ['SHTN1', 'HLA-B', 'SLC14A2', 'BTBD9', 'DTNB'];

describe('parseQuestion: multiple choice', () => {
  it.each([
    "Out of the given list, which Gene is associated with psoriasis and Takayasu's arteritis. Given list is: SHTN1, HLA-B, SLC14A2, BTBD9, DTNB",
    "Which of the following genes is linked to both psoriasis and Takayasu's arteritis? Options: SHTN1, HLA-B, SLC14A2, BTBD9, DTNB",
    "psoriasis and Takayasu's arteritis are both associated with which gene? (a) SHTN1 (b) HLA-B (c) SLC14A2 (d) BTBD9 (e) DTNB",
    "Which gene is related to psoriasis and Takayasu's arteritis? 1. SHTN1 2. HLA-B 3. SLC14A2 4. BTBD9 5. DTNB",
    "Pick the gene related to psoriasis and Takayasu's arteritis from: SHTN1; HLA-B; SLC14A2; BTBD9; DTNB",
    "Which gene, out of SHTN1, HLA-B, SLC14A2, BTBD9 or DTNB, is associated with psoriasis and Takayasu's arteritis? choices: SHTN1 | HLA-B | SLC14A2 | BTBD9 | DTNB",
  ])('%s', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      relation: 'associated',
      negated: false,
      options: OPTIONS,
    });
    expect(parsed.subjects.map((subject) => subject.toLowerCase())).toEqual([
      'psoriasis',
      "takayasu's arteritis",
    ]);
    expect(parsed.answerType).toBe('gene/protein');
  });

  it('takes the options from the request over the text', () => {
    const parsed = parseQuestion('Which drug treats Crohn disease?', ['Mesalazine', 'Aspirin']);
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      relation: 'treats',
      options: ['Mesalazine', 'Aspirin'],
      answerType: 'drug',
    });
  });

  it('reads "which … is not …" as a negated choice', () => {
    expect(parseQuestion('Which gene is not associated with psoriasis? Options: HLA-B, SHTN1')).toMatchObject(
      {
        negated: true,
        subjects: ['psoriasis'],
      },
    );
  });

  it('does not take a numbered name or a lone colon for options', () => {
    expect(extractOptions('Is neurofibromatosis 2 associated with NF2?')).toBeUndefined();
    expect(
      extractOptions('True or false: HLA-B is associated with psoriasis, asthma and eczema'),
    ).toBeUndefined();
  });
});

describe('parseQuestion: option lists and stems written other ways', () => {
  it.each([
    "Name the gene reported in psoriasis as well as Takayasu's arteritis. Candidates: SHTN1 / HLA-B / SLC14A2 / BTBD9 / DTNB",
    "A gene shared by psoriasis and Takayasu's arteritis is one of SHTN1, HLA-B, SLC14A2, BTBD9 or DTNB. Which one?",
    "Which gene has been reported for psoriasis and Takayasu's arteritis? SHTN1, HLA-B, SLC14A2, BTBD9, DTNB",
    "Which gene is linked to psoriasis and to Takayasu's arteritis? Possible answers: A. SHTN1 B. HLA-B C. SLC14A2 D. BTBD9 E. DTNB",
  ])('%s', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'multiple-choice', relation: 'associated', options: OPTIONS });
    expect(parsed.subjects.map((subject) => subject.toLowerCase().replace(/^to /, ''))).toEqual([
      'psoriasis',
      "takayasu's arteritis",
    ]);
  });

  it('reads a leading topic as what the question is about', () => {
    expect(
      parseQuestion("Crohn's disease: which of these is an approved drug? (a) Mesalazine (b) Prednisone"),
    ).toMatchObject({
      relation: 'treats',
      subjects: ["Crohn's disease"],
      options: ['Mesalazine', 'Prednisone'],
    });
    expect(
      parseQuestion('In gout, choose the drug indicated: colchicine, aspirin or heparin').subjects,
    ).toEqual(['gout']);
  });

  it('starts an enumeration at its first label, not at a letter ending a name', () => {
    expect(parseQuestion('Which gene is linked to hepatitis B. Choices: 1) IFNA2 2) ARX').options).toEqual([
      'IFNA2',
      'ARX',
    ]);
  });
});

describe('parseQuestion: statements written other ways', () => {
  it.each([
    ['There is an association between SMAD4 and juvenile polyposis syndrome.', 'associated', false],
    ['Is there a link between SMAD4 and juvenile polyposis syndrome?', 'associated', false],
    ['SMAD4 has no association with juvenile polyposis syndrome', 'associated', true],
    ['Is it true that SMAD4 is associated with juvenile polyposis syndrome?', 'associated', false],
    ['SMAD4 variants have been reported in juvenile polyposis syndrome', 'associated', false],
  ] as const)('%s', (text, relation, negated) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'true-false', relation, negated });
    expect(`${parsed.subjects[0]} ${parsed.object}`).toMatch(/SMAD4.*juvenile polyposis syndrome/);
  });

  it('reads class membership said as "considered" or "falls under", and patients with a disease', () => {
    expect(parseQuestion('Is cystic fibrosis considered a lung disease?')).toMatchObject({
      relation: 'is-a',
      subjects: ['cystic fibrosis'],
      object: 'lung disease',
    });
    expect(parseQuestion('cystic fibrosis falls under lung disease')).toMatchObject({
      relation: 'is-a',
      object: 'lung disease',
    });
    expect(parseQuestion("Patients with Crohn's disease are treated with mesalazine")).toMatchObject({
      relation: 'treats',
      subjects: ["Crohn's disease"],
    });
  });
});

describe('parseQuestion: true/false and yes/no', () => {
  it.each([
    [
      'Juvenile polyposis syndrome associates Gene SMAD4',
      'associated',
      false,
      'Juvenile polyposis syndrome',
      'Gene SMAD4',
    ],
    [
      'Juvenile polyposis syndrome is associated with gene SMAD4',
      'associated',
      false,
      'Juvenile polyposis syndrome',
      'gene SMAD4',
    ],
    [
      'SMAD4 is linked to juvenile polyposis syndrome',
      'associated',
      false,
      'SMAD4',
      'juvenile polyposis syndrome',
    ],
    [
      'Is juvenile polyposis syndrome associated with the gene SMAD4?',
      'associated',
      false,
      'juvenile polyposis syndrome',
      'gene SMAD4',
    ],
    [
      'True or false: SMAD4 is a risk gene for juvenile polyposis syndrome',
      'associated',
      false,
      'SMAD4',
      'juvenile polyposis syndrome',
    ],
    [
      'Neurofibromatosis 2 is not associated with Gene NF2',
      'associated',
      true,
      'Neurofibromatosis 2',
      'Gene NF2',
    ],
    ["NF2 isn't linked to neurofibromatosis 2", 'associated', true, 'NF2', 'neurofibromatosis 2'],
    ["metronidazole treats crohn's disease", 'treats', false, 'metronidazole', "crohn's disease"],
    ["Metronidazole is used to treat Crohn's disease", 'treats', false, 'Metronidazole', "Crohn's disease"],
    [
      "Is metronidazole used for the treatment of Crohn's disease?",
      'treats',
      false,
      'metronidazole',
      "Crohn's disease",
    ],
    ["Metronidazole does not treat Crohn's disease", 'treats', true, 'Metronidazole', "Crohn's disease"],
    ["metronidazole is a treatment for crohn's disease", 'treats', false, 'metronidazole', "crohn's disease"],
    ['Does imatinib target ABL1?', 'targets', false, 'imatinib', 'ABL1'],
    [
      'cystic fibrosis is a respiratory system disorder',
      'is-a',
      false,
      'cystic fibrosis',
      'respiratory system disorder',
    ],
    ['Cystic fibrosis is a type of lung disease', 'is-a', false, 'Cystic fibrosis', 'lung disease'],
    ['Is cystic fibrosis a kind of lung disease?', 'is-a', false, 'cystic fibrosis', 'lung disease'],
    [
      'enhanced S-cone syndrome is not a vitreoretinal degeneration',
      'is-a',
      true,
      'enhanced S-cone syndrome',
      'vitreoretinal degeneration',
    ],
  ] as const)('%s', (text, relation, negated, subject, object) => {
    expect(parseQuestion(text)).toMatchObject({
      form: 'true-false',
      relation,
      negated,
      subjects: [subject],
      object,
    });
  });

  it('reads the type word of the object as a type hint', () => {
    expect(parseQuestion('Juvenile polyposis syndrome associates Gene SMAD4').answerType).toBe(
      'gene/protein',
    );
    expect(typedPhrase('the gene SMAD4')).toEqual({ phrase: 'SMAD4', type: 'gene/protein' });
    expect(typedPhrase('disease of anatomical entity')).toEqual({ phrase: 'disease of anatomical entity' });
  });
});

describe('parseQuestion: identifiers, lists, free form', () => {
  it.each([
    'Disease ontology identifier for Marfan syndrome is DOID:0060055',
    'The DOID of Marfan syndrome is DOID:0060055',
    'Marfan syndrome has the identifier DOID:0060055',
    'DOID:0060055 is the disease ontology identifier of Marfan syndrome',
  ])('%s', (text) => {
    expect(parseQuestion(text)).toMatchObject({
      form: 'identifier',
      subjects: ['Marfan syndrome'],
      identifier: 'DOID:0060055',
    });
  });

  it('asks for an identifier', () => {
    const parsed = parseQuestion('What is the disease ontology identifier of Marfan syndrome?');
    expect(parsed).toMatchObject({ form: 'identifier', subjects: ['Marfan syndrome'] });
    expect(parsed.identifier).toBeUndefined();
  });

  it.each([
    ["Which drugs treat Crohn's disease?", 'treats', 'drug', ["Crohn's disease"]],
    [
      'List the genes associated with psoriasis and asthma',
      'associated',
      'gene/protein',
      ['psoriasis', 'asthma'],
    ],
    ['Which proteins does imatinib target?', 'targets', 'gene/protein', ['imatinib']],
    [
      'What genes are linked to both asthma, eczema and psoriasis?',
      'associated',
      'gene/protein',
      ['asthma', 'eczema', 'psoriasis'],
    ],
  ] as const)('%s', (text, relation, answerType, subjects) => {
    expect(parseQuestion(text)).toMatchObject({ form: 'list', relation, answerType, subjects });
  });

  it('leaves questions without a relation free-form', () => {
    expect(parseQuestion('What does ABL1 do?').form).toBe('free-form');
    expect(parseQuestion('Tell me about aspirin.').form).toBe('free-form');
  });

  it('splits subjects on and, commas and ampersands', () => {
    expect(splitSubjects('both asthma, eczema, and psoriasis')).toEqual(['asthma', 'eczema', 'psoriasis']);
    expect(splitSubjects('asthma & eczema')).toEqual(['asthma', 'eczema']);
  });
});

describe('parseQuestion: option layouts of outside sets', () => {
  const GENES = ['IL23R', 'NOD2', 'ATG16L1'];
  it.each([
    "Which gene is linked to Crohn's disease?\n- IL23R\n- NOD2\n- ATG16L1",
    "Which gene is linked to Crohn's disease?\n* IL23R\n* NOD2\n* ATG16L1",
    "Which gene is linked to Crohn's disease?\nIL23R\nNOD2\nATG16L1",
    "Which gene is linked to Crohn's disease?\nOptions:\nIL23R\nNOD2\nATG16L1.",
    "Select the gene linked to Crohn's disease.\nChoices:\n1) IL23R\n2) NOD2\n3) ATG16L1",
    "Which gene is linked to Crohn's disease?\n  a. IL23R\n  b. NOD2\n  c. ATG16L1",
  ])('one option per line: %j', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'multiple-choice', relation: 'associated', options: GENES });
    expect(parsed.subjects).toEqual(["Crohn's disease"]);
  });

  it.each([
    "Given the genes IL23R, NOD2, ATG16L1, which one is associated with Crohn's disease?",
    "Which gene out of IL23R, NOD2 and ATG16L1 is related to Crohn's disease?",
    "Among the genes IL23R, NOD2 or ATG16L1, which one has been linked to Crohn's disease?",
    "Of the genes listed (IL23R, NOD2, ATG16L1), which is associated with Crohn's disease?",
    "From IL23R, NOD2, ATG16L1: which gene is associated with Crohn's disease?",
  ])('options before the question: %s', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'multiple-choice', relation: 'associated', options: GENES });
    expect(parsed.subjects).toEqual(["Crohn's disease"]);
  });

  it.each([
    ['Which gene do asthma and eczema have in common? Options: IL13, TP53', ['asthma', 'eczema']],
    ['Asthma and eczema: which gene do they share?\n- IL13\n- TP53', ['Asthma', 'eczema']],
    ['asthma & eczema - which gene do they have in common? (A) IL13 (B) TP53', ['asthma', 'eczema']],
    ['Which gene is implicated in asthma and in eczema: IL13 or TP53?', ['asthma', 'eczema']],
    ['Which gene is related to asthma as well as to eczema? IL13, TP53', ['asthma', 'eczema']],
  ])('a gene two diseases share: %s', (text, subjects) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      relation: 'associated',
      options: ['IL13', 'TP53'],
    });
    expect(parsed.subjects).toEqual(subjects);
  });

  it.each([
    ['Psoriasis - which of these drugs is approved for it?\nMethotrexate\nAspirin', 'Psoriasis'],
    ['For psoriasis, which drug is indicated: "Methotrexate", "Aspirin"?', 'psoriasis'],
    ['Which of the following treats psoriasis: Methotrexate, or Aspirin?', 'psoriasis'],
  ])('a drug for a disease: %j', (text, subject) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      relation: 'treats',
      options: ['Methotrexate', 'Aspirin'],
    });
    expect(parsed.subjects).toEqual([subject]);
  });

  it('keeps the labels the question gave its options', () => {
    expect(parseQuestion('Which gene is linked to asthma? (A) IL13 (B) TP53').optionLabels).toEqual([
      'A',
      'B',
    ]);
    expect(parseQuestion('Which gene is linked to asthma?\nb) IL13\nc) TP53\na) BRCA1').optionLabels).toEqual(
      ['b', 'c', 'a'],
    );
    expect(parseQuestion('Which gene is linked to asthma? Options: IL13, TP53').optionLabels).toBeUndefined();
    expect(parseQuestion('Which gene is linked to asthma?', ['IL13', 'TP53']).optionLabels).toBeUndefined();
  });

  it('does not take the lines of a question without a list for options', () => {
    expect(parseQuestion('Which gene is linked to asthma?\nPlease answer briefly.').form).not.toBe(
      'multiple-choice',
    );
    expect(parseQuestion('Among patients with asthma, which drug is used?').options).toBeUndefined();
  });
});

describe('parseQuestion: gene, class and identifier statements of outside sets', () => {
  it.each([
    'SMAD4 (gene) is associated with juvenile polyposis syndrome',
    'The SMAD4 gene is associated with juvenile polyposis syndrome',
    'SMAD4 is a gene associated with juvenile polyposis syndrome',
    'Variants in the SMAD4 gene are associated with juvenile polyposis syndrome.',
    'Mutations in SMAD4 are linked to juvenile polyposis syndrome',
    'Germline mutations of SMAD4 cause juvenile polyposis syndrome',
  ])('the gene written around its symbol: %s', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'true-false', relation: 'associated', negated: false });
    expect(typedPhrase(parsed.subjects[0]!)).toEqual({ phrase: 'SMAD4', type: 'gene/protein' });
    expect(parsed.object).toBe('juvenile polyposis syndrome');
  });

  it.each([
    ['pulmonary hypertension isn’t a vascular disease.', true],
    ["pulmonary hypertension isn't a vascular disease.", true],
    ['pulmonary hypertension is classified under vascular disease', false],
    ['pulmonary hypertension is not classified under vascular disease', true],
    ['pulmonary hypertension does not belong to vascular disease', true],
    ['atrioventricular block does not belong to vascular disease', true],
  ] as const)('class membership: %s', (text, negated) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({
      form: 'true-false',
      relation: 'is-a',
      negated,
      object: 'vascular disease',
    });
    expect(parsed.subjects[0]).toMatch(/^(?:pulmonary hypertension|atrioventricular block)$/);
  });

  it.each([
    ['In the Disease Ontology, Marfan syndrome is identified as DOID:14323.', false],
    ['Is DOID:14323 the DOID for Marfan syndrome?', false],
    ['According to the Disease Ontology, Marfan syndrome is coded as DOID:14323', false],
    ['Marfan syndrome is not identified as DOID:14323', true],
    ['Marfan syndrome does not have the identifier DOID:14323.', true],
  ] as const)('identifiers: %s', (text, negated) => {
    expect(parseQuestion(text)).toMatchObject({
      form: 'identifier',
      subjects: ['Marfan syndrome'],
      identifier: 'DOID:14323',
      negated,
    });
  });
});

describe('parseQuestion: a relation verb inside a name', () => {
  it.each([
    [
      'Lip disease is a type of second-degree atrioventricular block',
      'is-a',
      'second-degree atrioventricular block',
    ],
    ['Cheilitis is not a kind of heart block', 'is-a', 'heart block'],
    ['Atrioventricular block is associated with SCN5A', 'associated', 'SCN5A'],
    ['heart block does not associate with SCN5A', 'associated', 'SCN5A'],
  ] as const)('%s', (text, relation, object) => {
    expect(parseQuestion(text)).toMatchObject({ form: 'true-false', relation, object });
  });
});

describe('parseQuestion: where the evidence comes from is not part of a name', () => {
  it.each([
    'Which variant has been linked to asthma in GWAS? A. rs1 B. rs2',
    'Which variant is associated with asthma in genome-wide association studies? A. rs1 B. rs2',
    'Which variant is associated with asthma according to the literature? A. rs1 B. rs2',
  ])('%s', (text) => {
    expect(parseQuestion(text).subjects).toEqual(['asthma']);
  });

  it('keeps "in" inside a name', () => {
    expect(
      parseQuestion('Which variant is associated with carcinoma in situ? A. rs1 B. rs2').subjects,
    ).toEqual(['carcinoma in situ']);
  });
});
