import { describe, expect, it } from 'vitest';
import { formKey } from '../../src/linking/word-forms.js';

describe('formKey: spellings that name the same thing fold alike', () => {
  it.each([
    ['haematological malignancy', 'hematologic malignancy'],
    ['neurological disorder', 'neurologic disorder'],
    ['immunological deficiency', 'immunologic deficiency'],
    ['coeliac disease', 'celiac disease'],
    ['foetal alcohol syndrome', 'fetal alcohol syndrome'],
    ['diarrhoea', 'diarrhea'],
    ['amenorrhoea', 'amenorrhea'],
    ['dyspnoea', 'dyspnea'],
    ['oesophageal tumour', 'esophageal tumor'],
    ['leukaemia', 'leukemia'],
  ])('%s = %s', (british, american) => {
    expect(formKey(british)).toBe(formKey(american));
  });

  it.each([
    ['canoe', 'cane'],
    ['poem', 'pem'],
    ['shoes', 'shes'],
  ])('leaves other words apart: %s', (left, right) => {
    expect(formKey(left)).not.toBe(formKey(right));
  });
});
