import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { repairTypos, unwrapQuestion } from '../../../src/agents/qa/question-envelope.js';

// Wordings written for these tests, not copied from any phrasing bank.

describe('unwrapQuestion: the prompt around a question', () => {
  it.each([
    ['Question 3: Does losartan treat hypertension?\nAnswer:', 'Does losartan treat hypertension?', false],
    ['Claim: imatinib targets ABL1. Is the claim true or false?', 'imatinib targets ABL1.', true],
    [
      'Does KRAS associate with lung cancer? Please reply with yes or no only.',
      'Does KRAS associate with lung cancer?',
      true,
    ],
    ['Would it be correct to say that aspirin treats gout?', 'aspirin treats gout?', true],
    ['Which drug treats gout? Give just the drug name.', 'Which drug treats gout?', false],
    ['Which drugs treat gout? No explanation needed.', 'Which drugs treat gout?', false],
    ['Is colchicine used for gout? Do not explain. Answer yes or no.', 'Is colchicine used for gout?', true],
  ])('%s', (text, unwrapped, statement) => {
    expect(unwrapQuestion(text)).toMatchObject({ text: unwrapped, statement });
  });

  it('keeps a question that only ends in a content sentence', () => {
    expect(unwrapQuestion('Choose the drug that treats gout from aspirin, colchicine.').text).toBe(
      'Choose the drug that treats gout from aspirin, colchicine.',
    );
  });

  it('reads "people with X are often given Y" as "Y treats X"', () => {
    expect(unwrapQuestion('People with gout are given colchicine. Correct or incorrect?')).toMatchObject({
      text: 'colchicine treats gout.',
      statement: true,
    });
  });
});

describe('repairTypos: question words, not names', () => {
  it.each([
    ['Whihc gene is asssociated with asthma?', 'Which gene is associated with asthma?'],
    ['Is TP53 assocated with glioma?', 'Is TP53 associated with glioma?'],
    ['Diesase Ontology idnetifier', 'Diesase Ontology identifier'],
  ])('%s', (text, repaired) => {
    expect(repairTypos(text)).toBe(repaired);
  });

  it('leaves real word forms and symbols alone', () => {
    const text = 'Can statins treat it? X associates Gene SMAD4; WHICH indicates TREATS';
    expect(repairTypos(text)).toBe(text);
  });
});

describe('parseQuestion: enveloped forms', () => {
  it.each([
    'Q: Is ABCA4 implicated in macular degeneration? A:',
    'Claim: the ABCA4 gene is implicated in macular degeneration. Is the claim correct?',
    'Researchers have long studied macular degeneration. True or false: ABCA4 is implicated in macular degeneration.',
    'Is it accurate to say that ABCA4 is implicated in macular degeneration? Reply with True or False only.',
  ])('statement: %s', (text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'true-false', relation: 'associated', negated: false });
    expect(parsed.subjects.join(' ')).toMatch(/ABCA4/);
    expect(parsed.object).toBe('macular degeneration');
  });

  it('a negation inside "Is it correct that … not …" stays a negation', () => {
    expect(parseQuestion('Is it correct that ABCA4 is not implicated in glaucoma?')).toMatchObject({
      form: 'true-false',
      negated: true,
      object: 'glaucoma',
    });
  });

  it.each([
    [
      'options as a JSON list',
      'Which drug treats gout? Choices: ["aspirin", "colchicine", "insulin"]. Give only the option.',
    ],
    ['options split by slashes', 'Whcih drug treats gout: aspirin / colchicine / insulin?'],
    [
      'options before the question, roman-numbered',
      'Candidate drugs:\ni) aspirin\nii) colchicine\niii) insulin\nWhich of these treats gout?',
    ],
    [
      'a list led by "from", then "select the one"',
      'From the drugs aspirin / colchicine / insulin, select the one that treats gout.',
    ],
    [
      'context, then an open relation',
      'A patient has been diagnosed with gout. Which of these drugs is indicated? aspirin, colchicine, insulin',
    ],
  ])('multiple choice, %s', (_name, text) => {
    const parsed = parseQuestion(text);
    expect(parsed).toMatchObject({ form: 'multiple-choice', relation: 'treats' });
    expect(parsed.options).toEqual(['aspirin', 'colchicine', 'insulin']);
    expect(parsed.subjects).toEqual(['gout']);
  });

  it('an anaphor in the question names the context’s conditions', () => {
    const parsed = parseQuestion(
      'A cohort with asthma frequently also had eczema. Which gene relates to these two conditions? (a) IL13 (b) TTN (c) MYH7',
    );
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      relation: 'associated',
      options: ['IL13', 'TTN', 'MYH7'],
    });
    expect(parsed.subjects).toEqual(['asthma', 'eczema']);
  });

  it('"what gene connects X and Y" is an intersection', () => {
    const parsed = parseQuestion('what gene connects asthma and eczema? candidates: IL13, TTN, MYH7');
    expect(parsed).toMatchObject({ relation: 'associated', answerType: 'gene/protein' });
    expect(parsed.subjects).toEqual(['asthma', 'eczema']);
  });

  it('a source lead ("In disease classification, …") is not part of the subject', () => {
    expect(parseQuestion('In disease classification, gout falls under arthritis. Yes or no?')).toMatchObject({
      form: 'true-false',
      relation: 'is-a',
      subjects: ['gout'],
      object: 'arthritis',
    });
  });

  it.each([
    'What therapies are on offer for gout?',
    'Which medications exist for gout?',
    'What are the drugs for gout?',
    'What medicines does the database hold for gout?',
  ])('a list of drugs "for" a disease: %s', (text) => {
    expect(parseQuestion(text)).toMatchObject({ form: 'list', relation: 'treats', subjects: ['gout'] });
  });
});

describe('parseQuestion: a pronoun question after context sentences', () => {
  it.each([
    [
      'A genome-wide scan turned up a strong hit for celiac disease. Which of these SNPs was it most likely to be? a) rs2187668, b) rs12345, c) rs99887',
      'associated',
      'celiac disease',
      'variant',
    ],
    [
      'Investigators described a susceptibility locus linked to ulcerative colitis. Which of the following polymorphisms could it be? A. rs1 B. rs2 C. rs3',
      'associated',
      'ulcerative colitis',
      'variant',
    ],
    [
      'A physician prescribed a once-daily pill for gout. Which one was it? (a) allopurinol (b) lisinopril (c) sertraline',
      'treats',
      'gout',
      'drug',
    ],
    [
      'A woman diagnosed with schizophrenia was started on a new medication. Which of these medicines might it have been? 1) clozapine 2) insulin 3) warfarin',
      'treats',
      'schizophrenia',
      'drug',
    ],
    [
      'Patients with lupus often carry a shared risk gene. Which of these genes is it likely to be? a) STAT4 b) CFTR c) HBB',
      'associated',
      'lupus',
      'gene/protein',
    ],
  ])('%s', (question, relation, subject, answerType) => {
    const parsed = parseQuestion(question);
    expect(parsed.form).toBe('multiple-choice');
    expect(parsed.relation).toBe(relation);
    expect(parsed.subjects).toEqual([subject]);
    expect(parsed.answerType).toBe(answerType);
  });

  it('never takes the pronoun as the subject', () => {
    const parsed = parseQuestion(
      'Researchers have followed rs7903146 over many years. Which disease is it associated with? a) asthma b) type 2 diabetes',
    );
    expect(parsed.subjects).not.toContain('it');
  });
});
