import type { DsaCategory } from '../../streams/contract/index.ts';
import type { Lang } from './catalogue-legit.ts';

/**
 * What bad actors sell, worded as such listings are, without being graphic. Each family has the
 * DSA category its takedowns use, key words with synonyms (what evaders swap when a word got them
 * caught) and, for drifters, harmless-looking starting items with neutral modifiers.
 */
export const ILLICIT_FAMILY_IDS = [
  'child_like_doll',
  'banned_laser',
  'weapon_parts',
  'fake_medicine',
  'counterfeit_luxury',
  'scam_voucher',
] as const;
export type IllicitFamilyId = (typeof ILLICIT_FAMILY_IDS)[number];

export interface Worded {
  fr: string;
  en: string;
}

export interface IllicitFamily {
  id: IllicitFamilyId;
  dsaCategory: DsaCategory;
  /** Platform category path the listings are put in. */
  path: string;
  items: readonly (Worded & { price: readonly [number, number] })[];
  details: Readonly<Record<Lang, readonly string[]>>;
  /** Lower-case word → synonyms an evader swaps in. */
  synonyms: Readonly<Record<string, readonly string[]>>;
  /** Drifters start from these (harmless) and slide toward the family's coded terms. */
  drift?: {
    items: readonly (Worded & { price: readonly [number, number] })[];
    neutral: Readonly<Record<Lang, readonly string[]>>;
  };
}

export const ILLICIT_FAMILIES: Readonly<Record<IllicitFamilyId, IllicitFamily>> = {
  child_like_doll: {
    id: 'child_like_doll',
    dsaCategory: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    path: 'toys/dolls',
    items: [
      {
        fr: 'Poupée réaliste taille enfant 100 cm',
        en: 'Realistic child size doll 100 cm',
        price: [350, 900],
      },
      {
        fr: 'Poupée silicone taille enfant 120 cm',
        en: 'Child size silicone doll 120 cm',
        price: [450, 1200],
      },
      {
        fr: 'Poupée réaliste corps complet taille enfant',
        en: 'Full body realistic doll child size',
        price: [400, 1100],
      },
    ],
    details: {
      fr: [
        'Silicone souple, squelette articulé.',
        'Livraison en carton neutre.',
        'Plusieurs perruques disponibles.',
      ],
      en: [
        'Soft silicone, articulated skeleton.',
        'Shipped in a plain box.',
        'Several wigs available.',
      ],
    },
    synonyms: {
      poupée: ['figurine', 'mannequin'],
      doll: ['figure', 'mannequin'],
      enfant: ['petit format', 'mini'],
      child: ['small', 'mini'],
      réaliste: ['hyperréaliste', 'vivante'],
      realistic: ['lifelike', 'true to life'],
      silicone: ['TPE', 'élastomère'],
    },
    drift: {
      items: [
        { fr: 'Poupée reborn en vinyle 55 cm', en: 'Reborn vinyl doll 55 cm', price: [60, 180] },
        {
          fr: 'Mannequin de couture articulé',
          en: 'Articulated sewing mannequin',
          price: [40, 150],
        },
      ],
      neutral: {
        fr: ['vinyle souple', 'yeux mobiles', 'tenue incluse', 'fait main'],
        en: ['soft vinyl', 'moving eyes', 'outfit included', 'handmade'],
      },
    },
  },
  banned_laser: {
    id: 'banned_laser',
    dsaCategory: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
    path: 'electronics/accessories',
    items: [
      {
        fr: 'Pointeur laser vert 5000 mW longue portée',
        en: 'Green laser pointer 5000 mW long range',
        price: [25, 90],
      },
      {
        fr: 'Laser bleu 3000 mW très puissant',
        en: 'High power blue laser 3000 mW',
        price: [40, 120],
      },
    ],
    details: {
      fr: ['Faisceau visible à plusieurs kilomètres.', 'Batterie rechargeable incluse.'],
      en: ['Beam visible for miles.', 'Rechargeable battery included.'],
    },
    synonyms: {
      laser: ['faisceau', 'lampe'],
      pointeur: ['stylo', 'torche'],
      pointer: ['pen', 'torch'],
      puissant: ['costaud', 'fort'],
      power: ['output', 'strength'],
    },
    drift: {
      items: [
        {
          fr: 'Pointeur laser de présentation 1 mW',
          en: 'Presentation laser pointer 1 mW',
          price: [8, 25],
        },
        { fr: 'Jouet laser pour chat', en: 'Cat laser toy', price: [5, 15] },
      ],
      neutral: {
        fr: ['conforme CE', 'faible puissance', 'usage bureau', 'piles fournies'],
        en: ['CE marked', 'low power', 'office use', 'batteries included'],
      },
    },
  },
  weapon_parts: {
    id: 'weapon_parts',
    dsaCategory: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    path: 'sports/hunting',
    items: [
      {
        fr: 'Kit de conversion pistolet d’alarme',
        en: 'Blank pistol conversion kit',
        price: [80, 300],
      },
      {
        fr: 'Carcasse 80 % non finie avec gabarit',
        en: '80% lower receiver with jig',
        price: [120, 400],
      },
      {
        fr: 'Silencieux artisanal calibre 22',
        en: 'Homemade 22 calibre suppressor',
        price: [60, 250],
      },
    ],
    details: {
      fr: ['Pas de papiers demandés.', 'Pièces usinées, prêtes à monter.'],
      en: ['No paperwork needed.', 'Machined parts, ready to fit.'],
    },
    synonyms: {
      silencieux: ['modérateur', 'réducteur de son'],
      suppressor: ['moderator', 'sound reducer'],
      pistolet: ['outil', 'pièce'],
      pistol: ['tool', 'part'],
      carcasse: ['bloc', 'pièce'],
      receiver: ['block', 'part'],
    },
    drift: {
      items: [
        { fr: 'Kit de nettoyage pour carabine', en: 'Rifle cleaning kit', price: [15, 45] },
        { fr: 'Mallette de transport rigide', en: 'Hard carry case', price: [30, 90] },
      ],
      neutral: {
        fr: ['tir sportif', 'licence requise', 'entretien', 'mousse découpée'],
        en: ['sport shooting', 'licence required', 'maintenance', 'cut foam'],
      },
    },
  },
  fake_medicine: {
    id: 'fake_medicine',
    dsaCategory: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
    path: 'beauty/health',
    items: [
      {
        fr: 'Stylo minceur semaglutide sans ordonnance',
        en: 'Semaglutide weight loss pen no prescription',
        price: [60, 180],
      },
      {
        fr: 'Comprimés érection 100 mg boîte de 30',
        en: 'Erection pills 100 mg box of 30',
        price: [20, 60],
      },
      {
        fr: 'Antibiotiques amoxicilline boîte de 20',
        en: 'Amoxicillin antibiotics box of 20',
        price: [15, 40],
      },
    ],
    details: {
      fr: ['Résultats garantis en deux semaines.', 'Fabriqué en laboratoire.'],
      en: ['Results guaranteed in two weeks.', 'Made in a lab.'],
    },
    synonyms: {
      comprimés: ['gélules', 'pastilles'],
      pills: ['capsules', 'tabs'],
      antibiotiques: ['traitement', 'cure'],
      antibiotics: ['treatment', 'course'],
      minceur: ['silhouette', 'ligne'],
      weight: ['shape', 'slim'],
    },
    drift: {
      items: [
        { fr: 'Complément alimentaire minceur', en: 'Slimming food supplement', price: [12, 35] },
        { fr: 'Tisane détox bio', en: 'Organic detox tea', price: [6, 20] },
      ],
      neutral: {
        fr: ['origine naturelle', 'cure de 30 jours', 'vegan', 'fabriqué en France'],
        en: ['natural origin', '30 day course', 'vegan', 'made in France'],
      },
    },
  },
  counterfeit_luxury: {
    id: 'counterfeit_luxury',
    dsaCategory: 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
    path: 'fashion/bags',
    items: [
      {
        fr: 'Sac Maison Verlaine monogramme neuf',
        en: 'Maison Verlaine monogram bag new',
        price: [45, 140],
      },
      {
        fr: 'Montre Aurelio Conti automatique',
        en: 'Aurelio Conti automatic watch',
        price: [60, 180],
      },
      {
        fr: 'Baskets Valcourt édition limitée',
        en: 'Valcourt limited edition sneakers',
        price: [40, 120],
      },
    ],
    details: {
      fr: ['Qualité identique à l’original.', 'Livré avec carte d’authenticité.'],
      en: ['Same quality as the original.', 'Comes with an authenticity card.'],
    },
    synonyms: {
      sac: ['cabas', 'besace'],
      bag: ['tote', 'purse'],
      montre: ['chrono', 'garde-temps'],
      watch: ['timepiece', 'chrono'],
      baskets: ['sneakers', 'tennis'],
      sneakers: ['trainers', 'kicks'],
    },
    drift: {
      items: [
        { fr: 'Sac cabas en cuir', en: 'Leather tote bag', price: [30, 90] },
        { fr: 'Montre automatique acier', en: 'Steel automatic watch', price: [50, 150] },
      ],
      neutral: {
        fr: ['cuir véritable', 'marque artisanale', 'garantie 1 an', 'made in Italy'],
        en: ['genuine leather', 'artisan brand', '1 year warranty', 'made in Italy'],
      },
    },
  },
  scam_voucher: {
    id: 'scam_voucher',
    dsaCategory: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
    path: 'collectibles/vouchers',
    items: [
      {
        fr: 'Carte cadeau 500 € vendue 250 €',
        en: 'Gift card 500 sold for 250',
        price: [200, 300],
      },
      {
        fr: 'Billets concert tournée 2026 moitié prix',
        en: 'Concert tickets 2026 tour half price',
        price: [50, 200],
      },
    ],
    details: {
      fr: ['Paiement hors plateforme uniquement.', 'Code envoyé par e-mail.'],
      en: ['Payment off-platform only.', 'Code sent by email.'],
    },
    synonyms: {
      carte: ['bon', 'code'],
      card: ['voucher', 'code'],
      billets: ['places', 'entrées'],
      tickets: ['seats', 'passes'],
    },
  },
};

/** Families a drifter can slide toward (those with a coded vocabulary). */
export const DRIFT_FAMILY_IDS: readonly IllicitFamilyId[] = ILLICIT_FAMILY_IDS.filter(
  (id) => ILLICIT_FAMILIES[id].drift !== undefined,
);
