import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { normaliseText } from './index.ts';

describe('normaliseText: obfuscation undone', () => {
  it.each([
    ['Cyrillic р and о in poupée', '\u0440\u043eupée réaliste', 'poupee realiste'],
    ['Cyrillic с in child', '\u0441hild size doll', 'child size doll'],
    ['all-Cyrillic look-alike word', '\u0441\u04bb\u0456ld doll', 'child doll'],
    ['Greek omicron, lunate sigma', 'd\u03bfll f\u03bfr \u03f2hild', 'doll for child'],
    ['Greek capitals', '\u03a1\u039fUPÉE \u0392\u0391\u0392\u03a5', 'poupee baby'],
    ['leetspeak', 'p0upé3 r3aliste', 'poupee realiste'],
    ['leetspeak in English', 'ch1ld s1ze d0ll', 'child size doll'],
    ['leet symbols', 'ch!ld cla$$e', 'child classe'],
    ['dotted letters', 'p.o.u.p.é.e réaliste', 'poupee realiste'],
    ['hyphenated letters', 'c-h-i-l-d d-o-l-l', 'child doll'],
    ['spaced letters', 'jolie d o l l neuve', 'jolie doll neuve'],
    [
      'zero-width characters',
      'pou\u200bpée ré\u200dalis\u2060te\ufeff do\u00adll',
      'poupee realiste doll',
    ],
    [
      'full-width and mathematical letters',
      '\uff50\uff4f\uff55\uff50\uff45\uff45 \u{1d41d}\u{1d428}\u{1d425}\u{1d425}',
      'poupee doll',
    ],
    ['stretched letters', 'poupéééééée chiiiild', 'poupee chiild'],
    ['zalgo marks', 'z\u0337a\u0337l\u0337g\u0337o\u0337', 'zalgo'],
    ['dotted leet', 'p.0.u.p.3.e', 'poupee'],
  ])('%s', (_name, input, expected) => {
    const result = normaliseText(input);
    expect(result.normalised).toBe(expected);
    expect(result.obfuscation).toBeGreaterThan(0);
  });

  it('counts each kind of evasion separately, as evidence', () => {
    const result = normaliseText('p.o.u.p.é.e \u0441hild d0ll pou\u200bpée');
    expect(result.signals).toMatchObject({ separator: 5, confusable: 1, leet: 1, zeroWidth: 1 });
    expect(result.signals.compat + result.signals.diacritic + result.signals.repeat).toBe(0);
  });

  it('scores heavier disguise higher', () => {
    const light = normaliseText('poupée réaliste enfant \u0441hild size');
    const heavy = normaliseText(
      '\u0440\u043eu\u0440\u0435\u0435 r\u0435\u0430list\u0435 \u0435nf\u0430nt',
    );
    expect(heavy.obfuscation).toBeGreaterThan(light.obfuscation);
    expect(heavy.obfuscation).toBeLessThanOrEqual(1);
  });
});

describe('normaliseText: honest text untouched', () => {
  it.each([
    'Poupée Corolle bébé 36 cm neuve, 15 €',
    'Robe T.38, 3-4 ans, taille S M L — très bon état !',
    "L'enfant adore ce jouet d'éveil ; 2ᵉ main, 1ᵉʳ âge, n° 12",
    'iPhone 12 Pro 128 Go noir, PS5, Galaxy S21, 36cm, 4x4, 1m80, mp3',
    'Tapis 120×170 cm, 10 µm, 25 m², ½ prix, 3/4 manches, 50% de remise',
    'Œuvre cœur naïve, Straße, łódź, ça, où, être, Noël',
    'Lot de 3 ❤️ 👨‍👩‍👧 offre spéciale 😍',
    'Taille S/M/L, réf. A-12, U.S.A',
    'Привет мама, кукла для детей',
    'Chaussures pointure 42, 100 % cuir, livraison 24/7',
  ])('%s scores 0', (input) => {
    expect(normaliseText(input).obfuscation).toBe(0);
  });

  it('keeps prices, sizes and model numbers as numbers', () => {
    const result = normaliseText('Robe T.38 3-4 ans 15 € iPhone 12 PS5 36cm');
    expect(result.normalised).toBe('robe t 38 3 4 ans 15 iphone 12 ps5 36cm');
    expect(result.tokens).toEqual([
      'robe',
      't',
      '38',
      '3',
      '4',
      'ans',
      '15',
      'iphone',
      '12',
      'ps',
      '5',
      '36',
      'cm',
    ]);
  });

  it('folds French accents and ligatures without counting them', () => {
    expect(normaliseText('Élégante poupée, cœur, œuvre, à 5 €').normalised).toBe(
      'elegante poupee coeur oeuvre a 5',
    );
  });

  it('treats NFD-typed accents like precomposed ones', () => {
    const nfd = normaliseText('poupe\u0301e re\u0301aliste');
    expect(nfd.normalised).toBe('poupee realiste');
    expect(nfd.obfuscation).toBe(0);
  });

  it('rejects a non-string with a clear error', () => {
    expect(() => normaliseText(undefined as unknown as string)).toThrow(VigieError);
  });

  it('empty and symbol-only texts give no tokens and no obfuscation', () => {
    for (const input of ['', '   ', '!!! ❤️ €€€']) {
      const result = normaliseText(input);
      expect(result.tokens).toEqual([]);
      expect(result.obfuscation).toBe(0);
    }
  });
});

describe('tokens', () => {
  it('drop French and English stop words and elisions', () => {
    expect(normaliseText("La poupée de l'enfant et the doll for a child").tokens).toEqual([
      'poupe',
      'enfant',
      'dol',
      'child',
    ]);
  });

  it('fold plurals and doubled letters so variants agree', () => {
    const forms = ['poupées', 'poupée', 'poupéééée', 'POUPEES'];
    const tokens = forms.map((f) => normaliseText(f).tokens.join(' '));
    expect(new Set(tokens).size).toBe(1);
    expect(normaliseText('bijoux dolls').tokens).toEqual(['bijou', 'dol']);
  });

  it('split sizes glued to their unit', () => {
    expect(normaliseText('55cm').tokens).toEqual(normaliseText('55 cm').tokens);
  });

  it('are deterministic', () => {
    const text = 'p0upée \u0440\u043eupée d.o.l.l 15 €';
    expect(normaliseText(text)).toEqual(normaliseText(text));
  });
});

describe('normaliseText on arbitrary input', () => {
  it('never throws, keeps the score in [0, 1] and yields non-empty tokens', () => {
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    // ASCII, Latin, combining marks, Greek, Cyrillic, format characters, variation selectors,
    // full-width, mathematical letters, emoji and lone surrogates.
    const ranges = [
      [0x20, 0x7e],
      [0xa0, 0x24f],
      [0x300, 0x36f],
      [0x370, 0x3ff],
      [0x400, 0x4ff],
      [0x200b, 0x206f],
      [0xfe00, 0xfe0f],
      [0xff01, 0xff5e],
      [0x1d400, 0x1d7ff],
      [0x1f300, 0x1f64f],
      [0xd800, 0xdfff],
    ] as const;
    for (let i = 0; i < 2000; i += 1) {
      let text = '';
      const length = Math.floor(random() * 60);
      for (let j = 0; j < length; j += 1) {
        const [low, high] = ranges[Math.floor(random() * ranges.length)] ?? [0x20, 0x7e];
        text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
      }
      const result = normaliseText(text);
      expect(result.obfuscation).toBeGreaterThanOrEqual(0);
      expect(result.obfuscation).toBeLessThanOrEqual(1);
      expect(result.tokens.every((t) => t !== '' && !/\s/.test(t))).toBe(true);
    }
  });
});
