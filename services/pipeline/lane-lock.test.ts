import { describe, expect, it } from 'vitest';
import { createLaneLock } from './lane-lock.ts';

describe('createLaneLock', () => {
  it('runs one task at a time and serves waiting priority tasks before main ones', async () => {
    const lock = createLaneLock();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = lock.run(false, async () => {
      order.push('main-1 start');
      await gate;
      order.push('main-1 end');
    });
    const queued = [
      lock.run(false, async () => void order.push('main-2')),
      lock.run(false, async () => void order.push('main-3')),
      lock.run(true, async () => void order.push('priority')),
    ];
    expect(lock.waiting()).toEqual({ priority: 1, main: 2 });
    release();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['main-1 start', 'main-1 end', 'priority', 'main-2', 'main-3']);
  });

  it('releases the lock when a task throws', async () => {
    const lock = createLaneLock();
    await expect(lock.run(false, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(lock.run(false, async () => 42)).resolves.toBe(42);
  });
});
