import type { Random } from '../../molecules/ga/random.js';

/**
 * How outside QA sets write a KG name differently: a possessive added or dropped ("Takayasu's
 * arteritis"), "type II" for "type 2", a dropped "mellitus", British spellings, "carcinoma of the
 * breast" for "breast carcinoma", hyphens as spaces, an acronym after the name, plurals, case.
 * Each rewrite keeps the entity a reader would understand; the QA benchmark's `robust-names`
 * phrasings put them into its questions so that linking is measured along with parsing.
 */
export type NameVariantKind =
  'possessive' | 'numeral' | 'mellitus' | 'british' | 'of-the' | 'hyphen' | 'acronym' | 'plural' | 'case';

export interface NameVariant {
  kind: NameVariantKind;
  text: string;
}

const ROMAN: Readonly<Record<string, string>> = { 1: 'I', 2: 'II', 3: 'III', 4: 'IV', 5: 'V', 6: 'VI' };
const ARABIC: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ROMAN).map(([arabic, roman]) => [roman, arabic]),
);
/** American → British, as UK-written questions spell them. */
const BRITISH: readonly [RegExp, string][] = [
  [/\besophag/gi, 'oesophag'],
  [/\bhem(a|o|or)/gi, 'haem$1'],
  [/(?<=\w)emia\b/gi, 'aemia'],
  [/\bedema/gi, 'oedema'],
  [/\bestrogen/gi, 'oestrogen'],
  [/\bpediatric/gi, 'paediatric'],
  [/\bceliac/gi, 'coeliac'],
  [/\bdiarrhea/gi, 'diarrhoea'],
  [/\btumor/gi, 'tumour'],
  [/\bfetal/gi, 'foetal'],
  [/\bischemi/gi, 'ischaemi'],
  [/\banesthe/gi, 'anaesthe'],
  [/\bgynecolog/gi, 'gynaecolog'],
  [/\bleukemia/gi, 'leukaemia'],
];
/** An organ before a head noun: "breast carcinoma" → "carcinoma of the breast". */
const SITE_HEADS =
  /^(breast|lung|kidney|liver|skin|bone|brain|stomach|colon|rectum|prostate|thyroid|bladder|urinary bladder|pancreas|ovary|cervix|esophagus|thymus|gallbladder|bile duct|heart|eye|tongue|larynx|pharynx|testis|uterus|spleen|adrenal gland|salivary gland|spinal cord|vulva|penis)\s+(cancer|carcinoma|neoplasm|tumor|adenocarcinoma|lymphoma|sarcoma|disease|benign neoplasm)$/i;
/** Disease head words after an eponym: "Takayasu arteritis" → "Takayasu's arteritis". */
const EPONYM_HEADS =
  /^([A-Z][a-z]{2,})\s+(disease|syndrome|arteritis|disorder|palsy|anomaly|sarcoma|lymphoma)\b/;
const STOP = /\b(?:of|the|and|or|with|in|to|by|for|due|type)\b/i;

/** Every rewrite that applies to `name` (none for names it cannot vary). */
export function nameVariants(name: string): NameVariant[] {
  const variants: NameVariant[] = [];
  const add = (kind: NameVariantKind, text: string) => {
    if (text !== name && !variants.some((variant) => variant.text === text)) variants.push({ kind, text });
  };
  if (/['’]s\b/.test(name)) {
    add('possessive', name.replace(/['’]s\b/, ''));
    add('possessive', name.replace(/['’]s\b/, 's'));
  } else {
    const eponym = EPONYM_HEADS.exec(name);
    if (eponym) add('possessive', name.replace(eponym[1]!, `${eponym[1]}'s`));
  }
  const typeNumber = /\btype\s+([1-6])\b/i.exec(name);
  if (typeNumber) add('numeral', name.replace(typeNumber[0], `type ${ROMAN[typeNumber[1]!]}`));
  const typeRoman = /\btype\s+(I{1,3}|IV|V|VI)\b/.exec(name);
  if (typeRoman) add('numeral', name.replace(typeRoman[0], `type ${ARABIC[typeRoman[1]!]}`));
  if (/\s+mellitus\b/i.test(name)) add('mellitus', name.replace(/\s+mellitus\b/i, ''));
  let british = name;
  for (const [pattern, replacement] of BRITISH) british = british.replace(pattern, replacement);
  add('british', british);
  const site = SITE_HEADS.exec(name);
  if (site) add('of-the', `${site[2]} of the ${site[1]}`);
  if (/\p{L}-\p{L}/u.test(name)) add('hyphen', name.replace(/(\p{L})-(\p{L})/gu, '$1 $2'));
  const words = name.split(/\s+/);
  if (words.length >= 3 && words.length <= 6 && !STOP.test(name) && /^[\p{L}\s]+$/u.test(name))
    add('acronym', `${name} (${words.map((word) => word[0]!.toUpperCase()).join('')})`);
  if (/^[a-z][a-z\s]+(?:neoplasm|tumor|cyst|polyp|ulcer|infection|anomaly)$/.test(name))
    add('plural', `${name}s`);
  add('case', name === name.toLowerCase() ? name.toUpperCase() : name.toLowerCase());
  return variants;
}

/** One rewrite of `name`, chosen at random among those that apply (case when nothing else does). */
export function varyName(name: string, random: Random): NameVariant {
  const variants = nameVariants(name);
  const specific = variants.filter((variant) => variant.kind !== 'case');
  const pool = specific.length > 0 && random.next() < 0.85 ? specific : variants;
  return pool.length === 0 ? { kind: 'case', text: name } : random.pick(pool);
}
