import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createTimeline, D, H, seeded, T0 } from './test-timeline.ts';

const BABY =
  'body pyjama bébé coton taille mois fille garçon lot vêtements gigoteuse bavoir chaussons bonnet naissance doux lavable rose bleu'.split(
    ' ',
  );
const LASER =
  'laser pointer 3000mw unlocked output burning beam lights matches focus battery 18650 metal green blue powerful'.split(
    ' ',
  );

function wording(pool: string[], rnd: () => number) {
  const words = Array.from({ length: 12 }, () => pool[Math.floor(rnd() * pool.length)] as string);
  return { title: words.slice(0, 4).join(' '), description: words.slice(4).join(' ') };
}

const DESCRIPTION =
  'Poupée reborn bébé réaliste 55 cm, yeux bleus, cheveux blonds, livrée avec vêtements et tétine. Très bon état, envoi soigné.';

describe('wording features', () => {
  it('scores obfuscation and coded terms over the recent listings', () => {
    const tl = createTimeline();
    const engine = createFeatureEngine();
    engine.apply([
      tl.published('s', 'plain', T0, { title: 'Poupée reborn', description: DESCRIPTION }),
      tl.published('s', 'coded', T0 + H, {
        title: 'Montre qualité miroir',
        description: 'Très belle montre, envoi discret.',
      }),
      tl.published('s', 'hidden', T0 + 2 * H, {
        title: 'R3pl1ca w\u0430tch',
        description: 'Sw\u200biss m\u043evement, m.i.r.r.o.r quality',
      }),
      tl.published('s', 'old', T0 - 40 * D, {
        title: 'Vieux vélo',
        description: 'Réplique exacte',
      }),
    ]);
    const f = engine.features('s');
    expect(f.values.coded_terms_share).toBeCloseTo(2 / 3, 10);
    expect(f.evidence.by_feature.coded_terms_share?.listing_ids).toEqual(['hidden', 'coded']);
    expect(f.values.obfuscated_listings).toBe(1);
    expect(f.values.obfuscation_max).toBeGreaterThan(0.1);
    expect(f.values.obfuscation_mean).toBeCloseTo(f.values.obfuscation_max / 3, 10);
  });

  it('measures wording drift of the last 7 days against the seller history', () => {
    const rnd = seeded(7);
    const tl = createTimeline();
    const engine = createFeatureEngine();
    const events = [];
    for (let i = 0; i < 10; i += 1) {
      events.push(tl.published('stable', `s${i}`, T0 + 2 * i * D, wording(BABY, rnd)));
      events.push(tl.published('drifter', `d${i}`, T0 + 2 * i * D, wording(BABY, rnd)));
    }
    for (let i = 0; i < 3; i += 1) {
      events.push(tl.published('stable', `sr${i}`, T0 + (25 + i) * D, wording(BABY, rnd)));
      events.push(tl.published('drifter', `dr${i}`, T0 + (25 + i) * D, wording(LASER, rnd)));
    }
    engine.apply(events);
    const asOf = T0 + 28 * D;
    const stable = engine.features('stable', asOf).values.wording_drift_jsd;
    const drifter = engine.features('drifter', asOf).values.wording_drift_jsd;
    expect(drifter).toBeGreaterThan(0.6);
    expect(stable).toBeLessThan(0.3);
    // Too little history gives no drift value rather than a noisy one.
    expect(engine.features('drifter', T0 + 2 * D).values.wording_drift_jsd).toBe(0);
  });

  it('counts small edits made within 7 days after a notice, not rewrites or earlier edits', () => {
    const tl = createTimeline();
    const engine = createFeatureEngine();
    const title = 'Poupée reborn bébé fille 55 cm';
    engine.apply([
      tl.published('s', 'l', T0, { title, description: DESCRIPTION }),
      tl.edited('s', 'l', T0 + H, { title: 'Poupée reborn bébé garçon 55 cm' }), // before notice
      tl.notice('s', T0 + D, { notice_id: 'n', listing_id: 'l' }),
      // One word swapped in the description: filter dodging.
      tl.edited('s', 'l', T0 + 2 * D, {
        title,
        description: DESCRIPTION.replace('réaliste', 'authentique'),
      }),
      // A real rewrite.
      tl.edited('s', 'l', T0 + 3 * D, {
        description: 'Lot de livres anciens, reliures cuir, éditions originales du XIXe siècle.',
      }),
      // Small but too late.
      tl.edited('s', 'l', T0 + 9 * D, { title: 'Poupée reborn bébé 55 cm' }),
    ]);
    const f = engine.features('s');
    expect(f.values.low_change_edits_after_notice).toBe(1);
    expect(f.evidence.by_feature.low_change_edits_after_notice?.listing_ids).toEqual(['l']);
  });
});
