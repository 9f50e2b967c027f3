import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../src/eval/qa/answer-parser.js';
import { accuracy, popularChoice } from '../../../src/eval/qa/qa-benchmark.js';
import { degreeBands, generateQaSet, parseCsv, parseQaCsv } from '../../../src/eval/qa/qa-set.js';
import { AppError } from '../../../src/errors.js';
import { buildQaWorld } from '../../agents/qa/qa-world.js';

describe('generateQaSet', () => {
  const world = buildQaWorld();
  const cases = generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6 });

  it('is seeded and phrases each kind several ways', () => {
    expect(generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6 })).toEqual(cases);
    const phrasings = new Set(cases.filter((each) => each.kind === 'tf-treats').map((each) => each.phrasing));
    expect(phrasings.size).toBeGreaterThan(1);
  });

  it('gives true/false cases labels and multiple-choice cases an answer among distinct options', () => {
    for (const each of cases) {
      if (each.form === 'true-false') expect(typeof each.label).toBe('boolean');
      if (each.form === 'multiple-choice') {
        expect(each.options).toContain(each.answer);
        expect(new Set(each.options).size).toBe(each.options!.length);
        // The question's text carries the options, so parseAnswer-based scoring sees them.
        for (const option of each.options!) expect(each.text).toContain(option);
      }
    }
    expect(cases.some((each) => each.kind === 'tf-identifier')).toBe(true);
  });

  it('names the pairs whose edges state each answer, for the ablation benchmark', () => {
    for (const each of cases.filter(
      (qaCase) => qaCase.kind.startsWith('mcq-') || qaCase.kind === 'tf-associated',
    )) {
      expect(each.hidden?.length).toBeGreaterThan(0);
      for (const [first, second] of each.hidden!)
        expect(world.graph.hasNode(first) && world.graph.hasNode(second)).toBe(true);
    }
    const gene = cases.find((qaCase) => qaCase.kind === 'mcq-gene-two-diseases');
    if (gene) expect(gene.hidden).toHaveLength(2);
  });

  it('splits subjects into disjoint dev and test halves', () => {
    const subjectsOf = (split: 'dev' | 'test') =>
      new Set(
        generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, split })
          .filter((qaCase) => qaCase.hidden !== undefined && qaCase.kind !== 'mcq-gene-two-diseases')
          .map((qaCase) => qaCase.hidden![0]![0]),
      );
    const dev = subjectsOf('dev');
    for (const subject of subjectsOf('test')) expect(dev.has(subject)).toBe(false);
  });

  it('phrases the held-out bank differently from the main one', () => {
    const heldout = generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, phrasings: 'heldout' });
    const main = new Set(cases.map((qaCase) => qaCase.text));
    expect(heldout.length).toBeGreaterThan(0);
    expect(heldout.filter((qaCase) => main.has(qaCase.text))).toEqual([]);
  });
});

describe('generateQaSet: popularity-matched distractors', () => {
  const world = buildQaWorld();

  it('leaves the uniform draw as it was and gives the matched draw valid cases', () => {
    expect(generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, distractors: 'uniform' })).toEqual(
      generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6 }),
    );
    const matched = generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, distractors: 'matched' });
    const choices = matched.filter((qaCase) => qaCase.form === 'multiple-choice');
    expect(choices.length).toBeGreaterThan(0);
    for (const qaCase of choices) {
      expect(qaCase.options).toContain(qaCase.answer);
      expect(new Set(qaCase.options).size).toBe(qaCase.options!.length);
    }
  });

  it('draws from the nodes whose degree is nearest the target, widening the band to the minimum', () => {
    // Node n has degree DEGREES[n - 1].
    const DEGREES = [0, 1, 1, 2, 8, 9];
    const pool = [6, 5, 4, 3, 2, 1];
    const like = { all: pool, degree: (node: number) => DEGREES[node - 1]!, target: 1 };
    const near = degreeBands(2);
    expect(near(pool, like).sort()).toEqual([2, 3]);
    expect(near(pool, { ...like, target: 8 }).sort()).toEqual([5, 6]);
    // Nothing else has degree 0: the band widens to the two nearest.
    expect(near(pool, { ...like, target: 0 }).sort()).toEqual([1, 2]);
    // A negative target (an answer left with no visible fact) is read as 0.
    expect(near(pool, { ...like, target: -1 }).sort()).toEqual([1, 2]);
  });
});

describe('popularChoice', () => {
  it('picks the option with the most KG edges, and never one that links to nothing', () => {
    const world = buildQaWorld();
    const degree = (name: string) =>
      world.graph.degree(world.lookup.lookup(name, { limit: 1 })[0]!.nodeIndex);
    const [first, second] = ['HLA-B', 'SMAD4'];
    expect(degree(first)).not.toBe(degree(second));
    const expected = degree(first) >= degree(second) ? first : second;
    expect(popularChoice(world, ['not a node at all', first, second])).toBe(expected);
    expect(popularChoice(world, ['not a node at all'])).toBe('not a node at all');
  });
});

describe('parseQaCsv', () => {
  it('reads text, options and answer or label, with quoted fields', () => {
    const cases = parseQaCsv(
      'text,options,answer,label\n"Which gene, of these, is linked to psoriasis?",HLA-B|SHTN1,HLA-B,\n"X treats ""Y""",,,yes\n',
    );
    expect(cases).toEqual([
      expect.objectContaining({
        form: 'multiple-choice',
        options: ['HLA-B', 'SHTN1'],
        answer: 'HLA-B',
        text: 'Which gene, of these, is linked to psoriasis?',
      }),
      expect.objectContaining({ form: 'true-false', label: true, text: 'X treats "Y"' }),
    ]);
  });

  it('names the missing column or the bad row', () => {
    expect(() => parseQaCsv('question\nx\n', 'q.csv')).toThrow(
      /q.csv: the header needs an "answer" or "label" column/,
    );
    expect(() => parseQaCsv('foo,label\nx,true\n', 'q.csv')).toThrow(AppError);
    expect(() => parseQaCsv('text,label\n,true\n', 'q.csv')).toThrow(/q.csv row 2: empty text/);
    expect(() => parseQaCsv('text,label\nx,maybe\n', 'q.csv')).toThrow(/row 2: no answer or label/);
  });

  it('parses CSV with CRLF and embedded newlines', () => {
    expect(parseCsv('a,b\r\n"1\n2",3\r\n')).toEqual([
      ['a', 'b'],
      ['1\n2', '3'],
    ]);
  });
});

describe('accuracy', () => {
  it('gives a Wilson interval that contains the estimate', () => {
    const result = accuracy([true, true, true, false]);
    expect(result).toMatchObject({ n: 4, correct: 3, accuracy: 0.75 });
    expect(result.ci95[0]).toBeLessThan(0.75);
    expect(result.ci95[1]).toBeGreaterThan(0.75);
    expect(accuracy([])).toEqual({ n: 0, correct: 0, accuracy: 0, ci95: [0, 0] });
  });

  it('scores what parseAnswer reads', () => {
    expect(parseAnswer('Answer: SHTN1.', { options: ['SHTN1', 'HLA-B'] }).choice).toBe('SHTN1');
  });
});

describe('generateQaSet: the third (robust) bank and rewritten names', () => {
  const world = buildQaWorld();
  const main = new Set(
    generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6 }).map((each) => each.text),
  );
  const heldout = new Set(
    generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, phrasings: 'heldout' }).map(
      (each) => each.text,
    ),
  );

  it('phrases every case differently from both other banks and keeps the options in the text', () => {
    const robust = generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, phrasings: 'robust' });
    expect(robust.length).toBeGreaterThan(0);
    expect(robust.filter((each) => main.has(each.text) || heldout.has(each.text))).toEqual([]);
    for (const each of robust.filter((qaCase) => qaCase.form === 'multiple-choice'))
      for (const option of each.options!) expect(each.text).toContain(option);
  });

  it('records how each subject name was rewritten', () => {
    const renamed = generateQaSet(world.graph, world.facts, {
      seed: 3,
      perKind: 6,
      phrasings: 'robust-names',
    });
    expect(renamed.every((each) => each.nameVariant !== undefined)).toBe(true);
    expect(new Set(renamed.map((each) => each.nameVariant)).size).toBeGreaterThan(1);
  });
});

describe('generateQaSet: the fourth (fresh) bank', () => {
  const world = buildQaWorld();
  const earlier = new Set(
    (['main', 'heldout', 'robust'] as const).flatMap((phrasings) =>
      generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, phrasings }).map((each) => each.text),
    ),
  );

  it('phrases every case unlike the three earlier banks and keeps every option in the text', () => {
    const fresh = generateQaSet(world.graph, world.facts, { seed: 3, perKind: 6, phrasings: 'fresh' });
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.filter((each) => earlier.has(each.text))).toEqual([]);
    for (const each of fresh.filter((qaCase) => qaCase.form === 'multiple-choice'))
      for (const option of each.options!) expect(each.text).toContain(option);
  });
});
