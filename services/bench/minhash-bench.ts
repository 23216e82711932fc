/**
 * CPU per MinHash signature, WebAssembly SIMD kernel against the JavaScript loop:
 *
 *   npx tsx services/bench/minhash-bench.ts [texts] [runs]
 *
 * Seeded French listing texts of 20–40 words (40–80 shingles), normalised and shingled up front;
 * each run signs every text once per backend (murmur3 of the shingles included, as in
 * `signature`), in alternating order. Prints the minimum over runs of the CPU time per
 * signature (process.cpuUsage, user + system): the machine is shared, compare minima.
 */
import { createMinHasher } from '../../features/text/minhash.ts';
import { normaliseText } from '../../features/text/normalise.ts';
import { shingles } from '../../features/text/shingles.ts';
import { mulberry32 } from '../../features/prng.ts';

const WORDS = (
  'poupée réaliste reborn bébé enfant robe rose vintage très bon état neuve taille ans cm ' +
  'livraison offerte vêtements inclus yeux bleus cheveux collection jouet fille garçon ' +
  'lot complet boîte origine marque éthique qualité prix négociable remise main propre ' +
  'iphone samsung galaxy pro max go noir blanc écran coque chargeur garantie facture'
).split(' ');

function texts(count: number, seed: number): string[][] {
  const random = mulberry32(seed);
  const out: string[][] = [];
  for (let t = 0; t < count; t += 1) {
    const words: string[] = [];
    const length = 20 + Math.floor(random() * 21);
    for (let w = 0; w < length; w += 1) {
      words.push(
        random() < 0.15
          ? `${Math.floor(random() * 500)}`
          : (WORDS[Math.floor(random() * WORDS.length)] as string),
      );
    }
    out.push(shingles(normaliseText(words.join(' ')).tokens));
  }
  return out;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const count = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 7);
const items = texts(count, 42);
const hashers = { wasm: createMinHasher(), js: createMinHasher({ wasm: false }) };
if (hashers.wasm.backend !== 'wasm') throw new Error('the WebAssembly kernel did not compile');

const best = { wasm: Infinity, js: Infinity };
let sink = 0;
for (let r = 0; r < runs; r += 1) {
  const order = r % 2 === 0 ? (['wasm', 'js'] as const) : (['js', 'wasm'] as const);
  for (const name of order) {
    const hasher = hashers[name];
    const start = cpuMicros();
    for (const list of items) sink = (sink + (hasher.signature(list)[0] as number)) % 0x7fffffff;
    best[name] = Math.min(best[name], (cpuMicros() - start) / count);
  }
}
const shinglesPerText = items.reduce((n, list) => n + list.length, 0) / count;
console.log(
  JSON.stringify({
    texts: count,
    runs,
    shingles_per_text: Number(shinglesPerText.toFixed(1)),
    js_us_per_signature: Number(best.js.toFixed(2)),
    wasm_us_per_signature: Number(best.wasm.toFixed(2)),
    speedup: Number((best.js / best.wasm).toFixed(2)),
    sink,
  }),
);
