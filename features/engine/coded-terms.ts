import { normaliseText } from '../text/index.ts';
import { VigieError } from '../../streams/errors.ts';

/**
 * A small coded-vocabulary lexicon (French and English): phrases that sellers of prohibited or
 * counterfeit goods use so that listings read as innocent while buyers understand. Kept modest on
 * purpose (a term's presence is a weak signal, weighed by the detectors, not a verdict) and taken
 * from public moderation guidance, not from the simulator's own lexicon, so that evaluation does
 * not grade the engine on words it was handed. Configurable: `codedTerms` in the engine options.
 * Terms are matched as whole token sequences after normalisation (so `r3pl1ca` matches `replica`).
 */
export const DEFAULT_CODED_TERMS: readonly string[] = [
  // counterfeits
  'replica',
  'réplique',
  'first copy',
  'mirror quality',
  'qualité miroir',
  'copie conforme',
  'unbranded version',
  // medicines and drugs
  'no prescription',
  'no rx',
  'vente sans ordonnance',
  'discreet shipping',
  'envoi discret',
  'research chemical',
  'research use only',
  'not for human consumption',
  'usage recherche',
  // weapons and weapon parts
  'solvent trap',
  'piège à solvant',
  '80% lower',
  'unserialized',
  'ghost gun',
  // dangerous products
  'class 4 laser',
  'laser classe 4',
  'non bridé',
  'unlocked output',
  // minors
  'child-like',
  "look d'enfant",
];

/** Tells whether a token list contains any coded term (as a contiguous token sequence). */
export type CodedTermMatcher = (tokens: readonly string[]) => boolean;

export function createCodedTermMatcher(terms: readonly string[]): CodedTermMatcher {
  const byFirst = new Map<string, string[][]>();
  for (const term of terms) {
    const tokens = normaliseText(term).tokens;
    const first = tokens[0];
    if (first === undefined) {
      throw new VigieError(
        'INVALID_CONFIG',
        'coded term has no comparison token after normalisation (only stop words?)',
        { context: { termLength: term.length } },
      );
    }
    const list = byFirst.get(first);
    if (list === undefined) byFirst.set(first, [tokens]);
    else list.push(tokens);
  }
  return (tokens) => {
    for (let i = 0; i < tokens.length; i += 1) {
      const candidates = byFirst.get(tokens[i] as string);
      if (candidates === undefined) continue;
      for (const seq of candidates) {
        let j = 1;
        while (j < seq.length && tokens[i + j] === seq[j]) j += 1;
        if (j === seq.length) return true;
      }
    }
    return false;
  };
}
