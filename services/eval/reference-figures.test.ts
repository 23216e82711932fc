import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { parseReferenceTable } from './reference-figures.ts';

// The shape of ../shared/datasets/anomaly/README.md (two of its rows, verbatim).
const README = `# Real anomaly-detection data sets

Some prose, then the table.

| file | rows | features | anomalies | scikit-learn ROC-AUC | scikit-learn AP | Liu 2008 AUC | source file | sha256 |
|---|---|---|---|---|---|---|---|---|
| \`breastw.csv\` | 683 | 9 | 239 (35.0 %) | 0.9876 ± 0.0019 | 0.9720 | 0.99 | \`adbench/datasets/Classical/4_breastw.npz\` | 7908605ac432e876… |
| \`cardio.csv\` | 1831 | 21 | 176 (9.6 %) | 0.9318 ± 0.0135 | 0.5634 | — | \`adbench/datasets/Classical/6_cardio.npz\` | 49108b5c9bb3111b… |

Seed-to-seed spread is up to ±0.02.
`;

describe('parseReferenceTable', () => {
  it('reads every row by the header’s column names', () => {
    const refs = parseReferenceTable(README);
    expect([...refs.keys()]).toEqual(['breastw.csv', 'cardio.csv']);
    expect(refs.get('breastw.csv')).toEqual({
      file: 'breastw.csv',
      rows: 683,
      features: 9,
      anomalies: 239,
      sklearn_auc_mean: 0.9876,
      sklearn_auc_sd: 0.0019,
      sklearn_ap: 0.972,
      liu_2008_auc: 0.99,
    });
    expect(refs.get('cardio.csv')!.liu_2008_auc).toBeNull();
  });

  it('finds columns by name, whatever their order', () => {
    const swapped = README.replace(
      '| file | rows | features | anomalies | scikit-learn ROC-AUC | scikit-learn AP |',
      '| file | rows | features | anomalies | scikit-learn AP | scikit-learn ROC-AUC |',
    ).replace('| 0.9876 ± 0.0019 | 0.9720 |', '| 0.9720 | 0.9876 ± 0.0019 |');
    const refs = parseReferenceTable(
      swapped
        .split('\n')
        .filter((l) => !l.includes('cardio'))
        .join('\n'),
    );
    expect(refs.get('breastw.csv')).toMatchObject({ sklearn_auc_mean: 0.9876, sklearn_ap: 0.972 });
  });

  it('refuses a README without the table, a missing column or a malformed AUC, naming it', () => {
    expect(() => parseReferenceTable('# nothing here\n')).toThrow(VigieError);
    expect(() => parseReferenceTable(README.replace('scikit-learn AP', 'AP'))).toThrow(
      /no "scikit-learn AP" column/,
    );
    expect(() => parseReferenceTable(README.replace('0.9876 ± 0.0019', '0.9876'))).toThrow(
      /line 7: expected "mean ± sd"/,
    );
  });
});
