import { bench, describe } from 'vitest';
import { createMinHasher, normaliseText } from './index.ts';
import { mulberry32 } from '../prng.ts';

/** Throughput of normaliseText + MinHash signature on ~200-character French listing texts. */

const WORDS = (
  'poupée réaliste reborn bébé enfant robe rose vintage très bon état neuve taille ans cm ' +
  'livraison offerte vêtements inclus yeux bleus cheveux collection jouet fille garçon ' +
  'lot complet boîte origine marque éthique qualité prix négociable remise main propre'
).split(' ');

const random = mulberry32(42);
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
const OBFUSCATE = [
  (w: string) => w.replace('o', '\u043e'),
  (w: string) => w.replace('e', '3'),
  (w: string) => [...w].join('.'),
  (w: string) => `${w.slice(0, 2)}\u200b${w.slice(2)}`,
];

function title(): string {
  let out = '';
  while (out.length < 190) {
    let word = random() < 0.2 ? `${Math.floor(random() * 100)}` : pick(WORDS);
    if (random() < 0.1) word = pick(OBFUSCATE)(word);
    out += (out === '' ? '' : ' ') + word;
  }
  return `${out.slice(0, 200)}, ${Math.floor(random() * 90) + 10} €`;
}

const texts = Array.from({ length: 1000 }, title);
const hasher = createMinHasher();

describe('features/text pipeline (1000 French titles of ~200 chars per iteration)', () => {
  bench('normaliseText', () => {
    for (const text of texts) normaliseText(text);
  });
  bench('normaliseText + signature (128 hashes)', () => {
    for (const text of texts) hasher.signature(normaliseText(text));
  });
});
