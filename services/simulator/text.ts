import { ILLICIT_FAMILIES, type IllicitFamilyId } from './catalogue-illicit.ts';
import { COMMON_SENTENCES, CONDITIONS, type Lang, type LegitCategory } from './catalogue-legit.ts';
import { CODED_LEXICON } from './lexicon.ts';
import { imageHash } from './identifiers.ts';
import type { Draft, Price, Seller } from './market.ts';
import type { Rng } from './prng.ts';

/** Listing drafts: titles, descriptions, prices and photos, in the seller's language. */

const GBP_PER_EUR = 0.86;

/** A price in the seller's currency, rounded the way people price things (…,00 / …,50 / …,99). */
export function drawPrice(rng: Rng, range: readonly [number, number], currency: string): Price {
  let amount = rng.range(range[0], range[1]);
  if (currency === 'GBP') amount *= GBP_PER_EUR;
  const ending = rng.next();
  const whole = Math.max(1, Math.round(amount));
  const value = ending < 0.6 ? whole : ending < 0.8 ? whole - 0.01 : whole - 0.5;
  return { amount: Math.max(0.5, value), currency };
}

export function drawImages(rng: Rng, min: number, max: number): string[] {
  const n = rng.int(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(imageHash(rng));
  return out;
}

function sentence(rng: Rng, pool: readonly string[]): string {
  return rng.pick(pool);
}

export function legitDraft(rng: Rng, seller: Seller, category?: LegitCategory): Draft {
  const cat = category ?? rng.pick(seller.categories);
  const product = rng.pick(cat.products);
  const lang = seller.lang;
  let title = product[lang];
  if (rng.chance(0.6)) title += ` ${rng.pick(cat.attributes[lang])}`;
  if (rng.chance(0.35)) title += ` - ${rng.pick(CONDITIONS[lang])}`;
  const description = rng.chance(0.05)
    ? ''
    : `${sentence(rng, cat.details[lang])} ${sentence(rng, COMMON_SENTENCES[lang])}`;
  return {
    title,
    description,
    category: cat.path,
    price: drawPrice(rng, product.price, seller.currency),
    images: drawImages(rng, 1, 4),
    family: null,
  };
}

export function illicitDraft(rng: Rng, seller: Seller, familyId: IllicitFamilyId): Draft {
  const family = ILLICIT_FAMILIES[familyId];
  const item = rng.pick(family.items);
  const lang = seller.lang;
  return {
    title: item[lang],
    description: `${sentence(rng, family.details[lang])} ${sentence(rng, COMMON_SENTENCES[lang])}`,
    category: family.path,
    price: drawPrice(rng, item.price, seller.currency),
    images: drawImages(rng, 1, 3),
    family: familyId,
  };
}

const CODED_BY_FAMILY_LANG = new Map<string, string[]>();
for (const entry of CODED_LEXICON) {
  const key = `${entry.family}:${entry.lang}`;
  const list = CODED_BY_FAMILY_LANG.get(key) ?? [];
  list.push(entry.term);
  CODED_BY_FAMILY_LANG.set(key, list);
}

/** Coded terms of a family in a language (empty when the family has none). */
export function codedTerms(familyId: IllicitFamilyId, lang: Lang): readonly string[] {
  return CODED_BY_FAMILY_LANG.get(`${familyId}:${lang}`) ?? [];
}

/** One wording slot: a coded term with probability `coded`, else a neutral modifier. */
function slot(rng: Rng, familyId: IllicitFamilyId, lang: Lang, coded: number): string {
  const terms = codedTerms(familyId, lang);
  const neutral = ILLICIT_FAMILIES[familyId].drift?.neutral[lang] ?? [];
  if (terms.length > 0 && (neutral.length === 0 || rng.chance(coded))) return rng.pick(terms);
  return rng.pick(neutral);
}

/** A drifter's description at coded-term probability `coded` (0 = harmless, 1 = fully coded). */
export function driftDescription(
  rng: Rng,
  familyId: IllicitFamilyId,
  lang: Lang,
  coded: number,
): string {
  const a = slot(rng, familyId, lang, coded);
  let b = slot(rng, familyId, lang, coded);
  for (let i = 0; i < 3 && b === a; i++) b = slot(rng, familyId, lang, coded);
  const tail = sentence(rng, COMMON_SENTENCES[lang]);
  return lang === 'fr' ? `Article ${a}, ${b}. ${tail}` : `Item ${a}, ${b}. ${tail}`;
}

/** A drifter's listing: a harmless base item whose wording leans coded with probability `coded`. */
export function driftDraft(
  rng: Rng,
  seller: Seller,
  familyId: IllicitFamilyId,
  coded: number,
): Draft {
  const family = ILLICIT_FAMILIES[familyId];
  const drift = family.drift;
  if (drift === undefined) throw new RangeError(`family ${familyId} has no drift wording`);
  const item = rng.pick(drift.items);
  const lang = seller.lang;
  return {
    title: `${item[lang]} ${slot(rng, familyId, lang, coded)}`,
    description: driftDescription(rng, familyId, lang, coded),
    category: family.path,
    price: drawPrice(rng, item.price, seller.currency),
    images: drawImages(rng, 1, 3),
    family: null,
  };
}
