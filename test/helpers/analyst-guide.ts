import { readFile } from 'node:fs/promises';

/** One worked query of docs/analyst-guide.md: its marker name, SQL and `{name:Type}` parameters. */
export interface GuideQuery {
  name: string;
  sql: string;
  /** Parameter names in order of first use, each with its ClickHouse type. */
  params: Array<{ name: string; type: string }>;
  /** The guide's text after the block, up to the next heading or query: where it is explained. */
  notes: string;
}

const MARKER = /^<!-- query: ([a-z0-9-]+) -->$/;
const FENCE_OPEN = /^```(\S*)\s*$/;
/** A ClickHouse query parameter: `{name:Type}`; the type may hold parentheses and quotes. */
const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/**
 * Every ```sql block of the guide, each named by the `<!-- query: name -->` marker on the line
 * right above it. A block without a marker, a marker without a block or a name used twice is an
 * error: the guide must not hold SQL that no test runs.
 */
export function extractGuideQueries(markdown: string): GuideQuery[] {
  const lines = markdown.split(/\r?\n/);
  const queries: GuideQuery[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const marker = MARKER.exec(line.trim());
    const fence = FENCE_OPEN.exec(line);
    if (marker) {
      const name = marker[1]!;
      // Prettier puts a blank line between the marker and the fence; nothing else may come between.
      let open = i + 1;
      while (lines[open]?.trim() === '') open += 1;
      if (lines[open]?.trim() !== '```sql') {
        throw new Error(`guide line ${i + 1}: marker "${name}" is not followed by a sql block`);
      }
      if (seen.has(name)) throw new Error(`guide line ${i + 1}: query name "${name}" used twice`);
      seen.add(name);
      const end = lines.findIndex((l, j) => j > open && l.trim() === '```');
      if (end < 0) throw new Error(`guide line ${open + 1}: sql block "${name}" is not closed`);
      const sql = lines.slice(open + 1, end).join('\n');
      const next = lines.findIndex((l, j) => j > end && (/^#/.test(l) || MARKER.test(l.trim())));
      const notes = lines.slice(end + 1, next < 0 ? lines.length : next).join('\n');
      queries.push({ name, sql, params: paramsOf(sql), notes });
      i = end;
    } else if (fence) {
      if (fence[1]?.toLowerCase() === 'sql') {
        throw new Error(`guide line ${i + 1}: sql block without a <!-- query: name --> marker`);
      }
      // Skip other fenced blocks whole, so their contents are never read as markers.
      const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
      if (end < 0) throw new Error(`guide line ${i + 1}: code block is not closed`);
      i = end;
    }
  }
  return queries;
}

export async function readGuideQueries(path: string): Promise<GuideQuery[]> {
  return extractGuideQueries(await readFile(path, 'utf8'));
}

function paramsOf(sql: string): GuideQuery['params'] {
  const params = new Map<string, string>();
  for (const m of sql.matchAll(PARAM)) {
    const [, name, type] = m as unknown as [string, string, string];
    const known = params.get(name);
    if (known !== undefined && known !== type.trim()) {
      throw new Error(`parameter {${name}} has two types: ${known} and ${type.trim()}`);
    }
    params.set(name, type.trim());
  }
  return [...params].map(([name, type]) => ({ name, type }));
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Replaces each `{name:Type}` with a literal of that type, `CAST('value' AS Type)`, as a
 * ClickHouse client binds `--param_name=value`. The read-only runner takes no parameters, so a
 * test (like an analyst in embedded mode) binds them in the text. Every parameter must get a
 * value and every value must be used.
 */
export function bindParams(sql: string, values: Readonly<Record<string, string | number>>): string {
  const used = new Set<string>();
  const bound = sql.replace(PARAM, (_all, name: string, type: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for parameter {${name}:${type}}`);
    used.add(name);
    return `CAST(${quote(String(value))} AS ${type.trim()})`;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0)
    throw new Error(`values given for unknown parameters: ${unused.join(', ')}`);
  return bound;
}
