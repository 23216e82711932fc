/**
 * The coded vocabulary drifters slide toward (French and English), by illicit family. Kept
 * dependency-free on purpose: the feature engine can take this list as its coded-term lexicon
 * (features/ may not import services/, so move or copy this file there rather than import it).
 * Terms are lower-case, as they appear in listing text; match them on normalised text.
 */
export const CODED_LEXICON = [
  // Child-like dolls (DSA protection of minors)
  { term: 'taille junior', lang: 'fr', family: 'child_like_doll' },
  { term: 'mini compagne', lang: 'fr', family: 'child_like_doll' },
  { term: 'gabarit menu', lang: 'fr', family: 'child_like_doll' },
  { term: 'look juvénile', lang: 'fr', family: 'child_like_doll' },
  { term: 'junior size', lang: 'en', family: 'child_like_doll' },
  { term: 'mini companion', lang: 'en', family: 'child_like_doll' },
  { term: 'petite frame', lang: 'en', family: 'child_like_doll' },
  { term: 'youthful look', lang: 'en', family: 'child_like_doll' },
  // Banned high-power lasers (unsafe and prohibited products)
  { term: 'non bridé', lang: 'fr', family: 'banned_laser' },
  { term: 'classe 4', lang: 'fr', family: 'banned_laser' },
  { term: 'allume les allumettes', lang: 'fr', family: 'banned_laser' },
  { term: 'faisceau brûlant', lang: 'fr', family: 'banned_laser' },
  { term: 'unlocked output', lang: 'en', family: 'banned_laser' },
  { term: 'class 4', lang: 'en', family: 'banned_laser' },
  { term: 'lights matches', lang: 'en', family: 'banned_laser' },
  { term: 'burning beam', lang: 'en', family: 'banned_laser' },
  // Weapon parts (risk for public security)
  { term: 'piège à solvant', lang: 'fr', family: 'weapon_parts' },
  { term: 'kit 80 %', lang: 'fr', family: 'weapon_parts' },
  { term: 'sans numéro', lang: 'fr', family: 'weapon_parts' },
  { term: 'usinage maison', lang: 'fr', family: 'weapon_parts' },
  { term: 'solvent trap', lang: 'en', family: 'weapon_parts' },
  { term: '80% kit', lang: 'en', family: 'weapon_parts' },
  { term: 'unserialized', lang: 'en', family: 'weapon_parts' },
  { term: 'home machining', lang: 'en', family: 'weapon_parts' },
  // Fake or unlicensed medicines (unsafe and prohibited products)
  { term: 'sans ordonnance', lang: 'fr', family: 'fake_medicine' },
  { term: 'envoi discret', lang: 'fr', family: 'fake_medicine' },
  { term: 'booster bleu', lang: 'fr', family: 'fake_medicine' },
  { term: 'usage recherche', lang: 'fr', family: 'fake_medicine' },
  { term: 'no prescription', lang: 'en', family: 'fake_medicine' },
  { term: 'discreet shipping', lang: 'en', family: 'fake_medicine' },
  { term: 'blue booster', lang: 'en', family: 'fake_medicine' },
  { term: 'research use only', lang: 'en', family: 'fake_medicine' },
  // Counterfeit luxury goods (intellectual property infringements)
  { term: 'qualité miroir', lang: 'fr', family: 'counterfeit_luxury' },
  { term: 'inspiré de', lang: 'fr', family: 'counterfeit_luxury' },
  { term: 'grade aaa', lang: 'fr', family: 'counterfeit_luxury' },
  { term: 'sans boîte d’origine', lang: 'fr', family: 'counterfeit_luxury' },
  { term: 'mirror quality', lang: 'en', family: 'counterfeit_luxury' },
  { term: 'inspired by', lang: 'en', family: 'counterfeit_luxury' },
  { term: 'aaa grade', lang: 'en', family: 'counterfeit_luxury' },
  { term: 'no original box', lang: 'en', family: 'counterfeit_luxury' },
] as const satisfies ReadonlyArray<{ term: string; lang: 'fr' | 'en'; family: string }>;

export type CodedTerm = (typeof CODED_LEXICON)[number];
