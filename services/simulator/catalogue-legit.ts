/**
 * Ordinary goods, per platform category, in French and English. Real brand names are used for
 * ordinary second-hand and retail goods only (that is what marketplace titles look like);
 * counterfeits in the illicit catalogue use invented brands.
 */
export type Lang = 'fr' | 'en';

export interface LegitProduct {
  fr: string;
  en: string;
  /** Price range in the currency's main unit. */
  price: readonly [number, number];
}

export interface LegitCategory {
  /** Platform category path, as in `listing.published.category`. */
  path: string;
  products: readonly LegitProduct[];
  attributes: Readonly<Record<Lang, readonly string[]>>;
  /** A sentence about the item, category-specific. */
  details: Readonly<Record<Lang, readonly string[]>>;
}

export const LEGIT_CATEGORIES: readonly LegitCategory[] = [
  {
    path: 'toys/dolls',
    products: [
      { fr: 'Poupée mannequin articulée', en: 'Articulated fashion doll', price: [8, 45] },
      { fr: 'Poupon bébé avec biberon', en: 'Baby doll with bottle', price: [10, 35] },
      { fr: 'Maison de poupée en bois', en: 'Wooden dolls house', price: [40, 180] },
      { fr: 'Poupée de chiffon faite main', en: 'Handmade rag doll', price: [12, 40] },
      { fr: 'Lot de vêtements pour poupée', en: 'Doll clothes bundle', price: [5, 25] },
      { fr: 'Poupée Barbie vintage', en: 'Vintage Barbie doll', price: [15, 120] },
    ],
    attributes: {
      fr: [
        '30 cm',
        '45 cm',
        'avec accessoires',
        'collection 1998',
        'tenue rose',
        'boîte d’origine',
      ],
      en: ['30 cm', '45 cm', 'with accessories', '1998 collection', 'pink outfit', 'original box'],
    },
    details: {
      fr: [
        'Tous les accessoires sont présents.',
        'Cheveux doux, jamais coupés.',
        'Convient dès 3 ans.',
      ],
      en: ['All accessories included.', 'Soft hair, never cut.', 'Suitable from age 3.'],
    },
  },
  {
    path: 'toys/games',
    products: [
      { fr: 'Boîte LEGO City', en: 'LEGO City set', price: [15, 120] },
      { fr: 'Jeu de société Catan', en: 'Catan board game', price: [20, 45] },
      { fr: 'Puzzle 1000 pièces', en: '1000 piece jigsaw puzzle', price: [6, 25] },
      { fr: 'Circuit de voitures électrique', en: 'Electric slot car track', price: [25, 90] },
      { fr: 'Peluche ours géant', en: 'Giant teddy bear', price: [15, 60] },
    ],
    attributes: {
      fr: ['complet', 'notice incluse', 'scellé', '8 ans et +', 'édition 2022'],
      en: ['complete', 'instructions included', 'sealed', 'age 8+', '2022 edition'],
    },
    details: {
      fr: ['Toutes les pièces ont été vérifiées.', 'Boîte un peu abîmée.', 'Idéal pour un cadeau.'],
      en: ['Every piece has been checked.', 'Box slightly worn.', 'Ideal as a gift.'],
    },
  },
  {
    path: 'electronics/phones',
    products: [
      { fr: 'iPhone 12 64 Go', en: 'iPhone 12 64GB', price: [220, 380] },
      { fr: 'Samsung Galaxy S21', en: 'Samsung Galaxy S21', price: [180, 320] },
      { fr: 'Google Pixel 7', en: 'Google Pixel 7', price: [200, 340] },
      { fr: 'Xiaomi Redmi Note 11', en: 'Xiaomi Redmi Note 11', price: [90, 160] },
      { fr: 'Coque silicone iPhone', en: 'iPhone silicone case', price: [5, 20] },
      { fr: 'Chargeur rapide USB-C 30 W', en: '30W USB-C fast charger', price: [10, 30] },
    ],
    attributes: {
      fr: ['débloqué', 'noir', 'bleu', 'batterie 89 %', 'avec facture', 'reconditionné'],
      en: ['unlocked', 'black', 'blue', 'battery 89%', 'with receipt', 'refurbished'],
    },
    details: {
      fr: [
        'Écran sans rayure, toujours sous coque.',
        'Réinitialisé, prêt à l’emploi.',
        'Fonctionne parfaitement.',
      ],
      en: [
        'No scratches on the screen, always in a case.',
        'Factory reset, ready to use.',
        'Works perfectly.',
      ],
    },
  },
  {
    path: 'electronics/audio',
    products: [
      { fr: 'Casque Sony WH-1000XM4', en: 'Sony WH-1000XM4 headphones', price: [120, 220] },
      { fr: 'Enceinte JBL Flip 5', en: 'JBL Flip 5 speaker', price: [50, 90] },
      { fr: 'Platine vinyle Audio-Technica', en: 'Audio-Technica turntable', price: [90, 250] },
      { fr: 'Écouteurs sans fil', en: 'Wireless earbuds', price: [20, 120] },
    ],
    attributes: {
      fr: ['bluetooth', 'réduction de bruit', 'comme neuf', 'boîte et câbles'],
      en: ['bluetooth', 'noise cancelling', 'like new', 'box and cables'],
    },
    details: {
      fr: ['Son impeccable.', 'Peu servi.', 'Testé avant envoi.'],
      en: ['Sound is flawless.', 'Barely used.', 'Tested before shipping.'],
    },
  },
  {
    path: 'electronics/accessories',
    products: [
      {
        fr: 'Pointeur de présentation sans fil',
        en: 'Wireless presentation clicker',
        price: [12, 40],
      },
      { fr: 'Lampe frontale LED', en: 'LED head torch', price: [8, 35] },
      { fr: 'Batterie externe 20000 mAh', en: '20000mAh power bank', price: [15, 45] },
      { fr: 'Câble HDMI 2 m', en: '2m HDMI cable', price: [4, 15] },
    ],
    attributes: {
      fr: ['neuf', 'rechargeable', 'garantie 1 an', 'lot de 2'],
      en: ['new', 'rechargeable', '1 year warranty', 'pack of 2'],
    },
    details: {
      fr: ['Conforme CE.', 'Envoi soigné.', 'Piles fournies.'],
      en: ['CE marked.', 'Carefully packed.', 'Batteries included.'],
    },
  },
  {
    path: 'fashion/shoes',
    products: [
      { fr: 'Baskets Nike Air Max 90', en: 'Nike Air Max 90 trainers', price: [40, 110] },
      { fr: 'Bottines en cuir', en: 'Leather ankle boots', price: [25, 90] },
      { fr: 'Sandales Birkenstock Arizona', en: 'Birkenstock Arizona sandals', price: [30, 70] },
      { fr: 'Chaussures de running Asics', en: 'Asics running shoes', price: [30, 80] },
    ],
    attributes: {
      fr: ['pointure 38', 'pointure 42', 'portées deux fois', 'blanches', 'noires'],
      en: ['size 5', 'size 9', 'worn twice', 'white', 'black'],
    },
    details: {
      fr: ['Semelles en très bon état.', 'Vendues avec la boîte.', 'Pas de défaut.'],
      en: ['Soles in very good condition.', 'Sold with the box.', 'No defects.'],
    },
  },
  {
    path: 'fashion/clothing',
    products: [
      { fr: 'Veste en jean Levi’s', en: 'Levi’s denim jacket', price: [20, 60] },
      { fr: 'Robe d’été fleurie', en: 'Floral summer dress', price: [8, 35] },
      { fr: 'Pull en laine mérinos', en: 'Merino wool jumper', price: [15, 50] },
      { fr: 'Manteau d’hiver doudoune', en: 'Winter puffer coat', price: [30, 120] },
    ],
    attributes: {
      fr: ['taille M', 'taille S', 'taille 40', 'bleu marine', 'très bon état'],
      en: ['size M', 'size S', 'UK 12', 'navy blue', 'very good condition'],
    },
    details: {
      fr: ['Lavé et repassé.', 'Non fumeur.', 'Coupe ajustée.'],
      en: ['Washed and ironed.', 'Smoke-free home.', 'Slim fit.'],
    },
  },
  {
    path: 'fashion/bags',
    products: [
      { fr: 'Sac à main en cuir', en: 'Leather handbag', price: [25, 120] },
      { fr: 'Sac à dos Eastpak', en: 'Eastpak backpack', price: [15, 45] },
      { fr: 'Pochette de soirée', en: 'Evening clutch bag', price: [10, 40] },
    ],
    attributes: {
      fr: ['camel', 'noir', 'bandoulière', 'avec dustbag'],
      en: ['camel', 'black', 'shoulder strap', 'with dust bag'],
    },
    details: {
      fr: ['Intérieur propre.', 'Fermeture éclair fonctionnelle.', 'Légères traces d’usage.'],
      en: ['Clean inside.', 'Zip works fine.', 'Light signs of wear.'],
    },
  },
  {
    path: 'home/kitchen',
    products: [
      { fr: 'Robot pâtissier KitchenAid', en: 'KitchenAid stand mixer', price: [180, 350] },
      { fr: 'Cocotte en fonte Le Creuset', en: 'Le Creuset cast iron casserole', price: [60, 160] },
      { fr: 'Machine à café Nespresso', en: 'Nespresso coffee machine', price: [40, 120] },
      { fr: 'Set de couteaux de cuisine', en: 'Kitchen knife set', price: [20, 90] },
      { fr: 'Friteuse sans huile', en: 'Air fryer', price: [35, 110] },
    ],
    attributes: {
      fr: ['24 cm', 'rouge', 'peu servi', 'complet', '5,5 L'],
      en: ['24cm', 'red', 'hardly used', 'complete', '5.5L'],
    },
    details: {
      fr: ['Nettoyé et détartré.', 'Notice fournie.', 'À récupérer ou envoi.'],
      en: ['Cleaned and descaled.', 'Manual included.', 'Collection or delivery.'],
    },
  },
  {
    path: 'home/decor',
    products: [
      { fr: 'Miroir rond en rotin', en: 'Round rattan mirror', price: [20, 70] },
      { fr: 'Lampe de chevet en céramique', en: 'Ceramic bedside lamp', price: [15, 50] },
      { fr: 'Tapis berbère', en: 'Berber rug', price: [40, 200] },
      { fr: 'Cadre photo en bois', en: 'Wooden photo frame', price: [5, 20] },
    ],
    attributes: {
      fr: ['60 cm', 'style bohème', 'fait main', 'blanc cassé'],
      en: ['60cm', 'boho style', 'handmade', 'off-white'],
    },
    details: {
      fr: ['Très décoratif.', 'Aucun éclat.', 'Dimensions en photo.'],
      en: ['Very decorative.', 'No chips.', 'Dimensions in the photos.'],
    },
  },
  {
    path: 'beauty/skincare',
    products: [
      { fr: 'Crème hydratante La Roche-Posay', en: 'La Roche-Posay moisturiser', price: [8, 25] },
      { fr: 'Parfum Chanel N°5 eau de parfum', en: 'Chanel No 5 eau de parfum', price: [50, 110] },
      { fr: 'Sèche-cheveux Dyson', en: 'Dyson hair dryer', price: [180, 320] },
      { fr: 'Coffret maquillage', en: 'Makeup gift set', price: [12, 45] },
    ],
    attributes: {
      fr: ['50 ml', '100 ml', 'neuf sous blister', 'entamé à 10 %'],
      en: ['50ml', '100ml', 'new and sealed', '10% used'],
    },
    details: {
      fr: ['Date de péremption 2027.', 'Cadeau en double.', 'Authentique, facture disponible.'],
      en: ['Expiry date 2027.', 'Duplicate gift.', 'Genuine, receipt available.'],
    },
  },
  {
    path: 'sports/outdoor',
    products: [
      { fr: 'Vélo de route Decathlon', en: 'Decathlon road bike', price: [150, 600] },
      { fr: 'Tente 3 places', en: '3-person tent', price: [30, 150] },
      { fr: 'Raquette de tennis Wilson', en: 'Wilson tennis racket', price: [25, 110] },
      { fr: 'Sac de couchage', en: 'Sleeping bag', price: [15, 70] },
      { fr: 'Haltères réglables 20 kg', en: 'Adjustable dumbbells 20kg', price: [30, 120] },
    ],
    attributes: {
      fr: ['taille L', 'très bon état', 'peu utilisé', 'avec housse'],
      en: ['size L', 'very good condition', 'little used', 'with cover'],
    },
    details: {
      fr: ['Révisé récemment.', 'Idéal pour débuter.', 'Pas de pièce manquante.'],
      en: ['Recently serviced.', 'Ideal for beginners.', 'No missing parts.'],
    },
  },
  {
    path: 'collectibles/cards',
    products: [
      { fr: 'Carte Pokémon Dracaufeu', en: 'Pokémon Charizard card', price: [20, 400] },
      { fr: 'Classeur de cartes Magic', en: 'Magic the Gathering binder', price: [30, 250] },
      { fr: 'Album Panini Coupe du monde', en: 'Panini World Cup album', price: [10, 80] },
    ],
    attributes: {
      fr: ['édition 1', 'gradée PSA 8', 'complet', 'en français'],
      en: ['1st edition', 'PSA 8 graded', 'complete', 'English'],
    },
    details: {
      fr: ['Sous sleeve depuis l’ouverture.', 'Voir photos pour l’état.', 'Envoi suivi.'],
      en: ['Sleeved since opening.', 'See photos for condition.', 'Tracked postage.'],
    },
  },
  {
    path: 'collectibles/coins',
    products: [
      { fr: 'Pièce 2 euros commémorative', en: 'Commemorative 2 euro coin', price: [3, 40] },
      { fr: 'Lot de francs anciens', en: 'Old French francs lot', price: [10, 60] },
      { fr: 'Timbres anciens collection', en: 'Vintage stamp collection', price: [15, 150] },
    ],
    attributes: {
      fr: ['état SUP', 'lot de 10', 'sous capsule'],
      en: ['extremely fine', 'lot of 10', 'in capsule'],
    },
    details: {
      fr: ['Collection familiale.', 'Photos non contractuelles.', 'Envoi en lettre suivie.'],
      en: ['Family collection.', 'Photos for illustration.', 'Sent by tracked letter.'],
    },
  },
];

/** Sentences any listing may carry, by language. */
export const COMMON_SENTENCES: Readonly<Record<Lang, readonly string[]>> = {
  fr: [
    'Envoi rapide sous 48 h.',
    'Remise en main propre possible.',
    'N’hésitez pas à me poser vos questions.',
    'Prix négociable raisonnablement.',
    'Vente suite à déménagement.',
    'Plus de photos sur demande.',
  ],
  en: [
    'Fast dispatch within 48 hours.',
    'Collection in person possible.',
    'Feel free to ask any questions.',
    'Reasonable offers considered.',
    'Selling due to moving house.',
    'More photos on request.',
  ],
};

/** Condition words appended to some titles. */
export const CONDITIONS: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['neuf', 'très bon état', 'bon état', 'comme neuf', 'occasion'],
  en: ['new', 'very good condition', 'good condition', 'like new', 'used'],
};
