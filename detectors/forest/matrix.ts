import { VigieError } from '../../streams/errors.ts';

/** A dense row-major matrix: value (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Copies rows of equal length into a row-major matrix; rejects ragged input. */
export function toMatrix(rows: readonly ArrayLike<number>[]): Matrix {
  const first = rows[0];
  if (first === undefined) {
    throw new VigieError('BAD_REQUEST', 'expected at least one row, got none');
  }
  const cols = first.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new VigieError('BAD_REQUEST', `row ${r} has ${row.length} values, expected ${cols}`, {
        context: { row: r, expected: cols, got: row.length },
      });
    }
    for (let c = 0; c < cols; c++) data[r * cols + c] = row[c] as number;
  });
  return { rows: rows.length, cols, data };
}

export function isMatrix(value: unknown): value is Matrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    (value as { data: unknown }).data instanceof Float64Array
  );
}

/** Every value must be finite: a NaN would silently fall on one side of every split. */
export function assertFinite(matrix: Matrix, what: string): void {
  const { data, cols } = matrix;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i] as number)) {
      const row = Math.floor(i / cols);
      const column = i - row * cols;
      throw new VigieError(
        'BAD_REQUEST',
        `${what}: value at row ${row}, column ${column} is ${data[i]}, expected a finite number`,
        { context: { row, column } },
      );
    }
  }
}

export function assertShape(matrix: Matrix, cols: number, what: string): void {
  if (matrix.cols !== cols || matrix.data.length !== matrix.rows * matrix.cols) {
    throw new VigieError(
      'BAD_REQUEST',
      `${what}: expected ${cols} columns, got ${matrix.cols} (${matrix.data.length} values for ${matrix.rows} rows)`,
      { context: { expected: cols, got: matrix.cols } },
    );
  }
}
