/**
 * glibc's `malloc_trim(0)`, for the memory section: how much of the resident memory after the
 * drain is free memory the C allocator keeps (chDB allocates and frees its buffers through
 * glibc; so do Node's ArrayBuffer backing stores). Called through koffi (FFI), a development
 * dependency: where it is missing, or the C library is not glibc, the trim says why instead.
 */

/** glibc's version where the process runs on glibc (which has `malloc_trim`), else undefined. */
export function glibcRuntime(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime;
}

export type TrimOutcome =
  | {
      /** `malloc_trim`'s answer: true when it gave memory back. */
      released: boolean;
      ms: number;
    }
  | { unavailable: string };

type MallocTrim = (pad: number) => number;

let bound: MallocTrim | { unavailable: string } | undefined;

async function bind(): Promise<MallocTrim | { unavailable: string }> {
  if (glibcRuntime() === undefined) return { unavailable: 'the C library is not glibc' };
  try {
    const { default: koffi } = await import('koffi');
    return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as MallocTrim;
  } catch (err) {
    return { unavailable: `koffi cannot call libc: ${(err as Error).message}` };
  }
}

/**
 * Gives the free pages of every glibc arena back to the system (not only the top of each heap,
 * as glibc's automatic trim does), on this thread; the bench calls it once, after its reading.
 */
export async function trimNativeMemory(): Promise<TrimOutcome> {
  bound ??= await bind();
  if (typeof bound !== 'function') return bound;
  const started = performance.now();
  const released = bound(0) === 1;
  return { released, ms: Math.round((performance.now() - started) * 10) / 10 };
}
