const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The names between braces in a detail template, in order. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim());
}

/** Integers as they are; other numbers with at most two decimals (0.8333 → "0.83"). */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  return String(Math.round(value * 100) / 100);
}

/** Replaces each `{feature}` by the seller's value; names were checked when the policy loaded. */
export function renderDetail(template: string, values: Readonly<Record<string, number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name.trim()];
    return value === undefined ? whole : formatValue(value);
  });
}
