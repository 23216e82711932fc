import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runUntilSignal } from './run-until-signal.ts';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    proc: {
      once: (s: string, f: (sig: NodeJS.Signals) => void) => emitter.once(s, f),
      removeListener: (s: string, f: (sig: NodeJS.Signals) => void) => emitter.removeListener(s, f),
      exit: (code?: number) => void exits.push(code ?? 0),
    } as unknown as Pick<NodeJS.Process, 'once' | 'removeListener' | 'exit'>,
  };
}

describe('runUntilSignal', () => {
  it('starts, waits for SIGTERM, stops gracefully and removes its listeners', async () => {
    const { emitter, proc, exits } = fakeProcess();
    const calls: string[] = [];
    const done = runUntilSignal(
      {
        start: async () => void calls.push('start'),
        stop: async () => void calls.push('stop'),
      },
      { logger: pino({ level: 'silent' }), proc },
    );
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['start']);
    emitter.emit('SIGTERM', 'SIGTERM');
    await expect(done).resolves.toBe('SIGTERM');
    expect(calls).toEqual(['start', 'stop']);
    expect(exits).toEqual([]);
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT')).toBe(0);
  });

  it('exits at once on a second signal during the graceful stop', async () => {
    const { emitter, proc, exits } = fakeProcess();
    let release!: () => void;
    const stopping = new Promise<void>((r) => (release = r));
    const done = runUntilSignal(
      { start: async () => {}, stop: () => stopping },
      { logger: pino({ level: 'silent' }), proc },
    );
    await new Promise((r) => setImmediate(r));
    emitter.emit('SIGINT', 'SIGINT');
    await new Promise((r) => setImmediate(r));
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    release();
    await done;
  });
});
