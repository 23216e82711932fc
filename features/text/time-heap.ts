/** An entry a bounded index can expire or evict; `alive` is cleared on removal (lazy deletion). */
export interface Timed {
  time: number;
  /** Tie-break between equal times, so eviction does not depend on arrival order. */
  order: string;
  alive: boolean;
}

function before(a: Timed, b: Timed): boolean {
  return a.time < b.time || (a.time === b.time && a.order < b.order);
}

/**
 * Min-heap on (time, order) with lazy deletion: removals only mark entries dead, and the heap
 * is rebuilt once dead entries outnumber live ones, so memory stays O(live entries).
 */
export interface TimeHeap<T extends Timed> {
  push(entry: T): void;
  /** The oldest live entry, or undefined. */
  peek(): T | undefined;
  /** Removes and returns the oldest live entry. */
  pop(): T | undefined;
  /** Call after marking an entry dead; compacts when half the heap is dead. */
  noteRemoved(live: number): void;
}

export function createTimeHeap<T extends Timed>(): TimeHeap<T> {
  let heap: T[] = [];

  const up = (start: number): void => {
    let i = start;
    const item = heap[i];
    if (item === undefined) return;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || !before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  };

  const down = (start: number): void => {
    let i = start;
    const item = heap[i];
    if (item === undefined) return;
    const n = heap.length;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const left = heap[l];
      const right = heap[r];
      let child = l;
      let c = left;
      if (right !== undefined && left !== undefined && before(right, left)) {
        child = r;
        c = right;
      }
      if (c === undefined || !before(c, item)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = item;
  };

  const popTop = (): T | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      down(0);
    }
    return top;
  };

  const dropDead = (): void => {
    while (heap.length > 0 && heap[0]?.alive === false) popTop();
  };

  return {
    push(entry) {
      heap.push(entry);
      up(heap.length - 1);
    },
    peek() {
      dropDead();
      return heap[0];
    },
    pop() {
      dropDead();
      return popTop();
    },
    noteRemoved(live) {
      if (heap.length > 64 && heap.length > 2 * live) {
        heap = heap.filter((e) => e.alive);
        for (let i = (heap.length >> 1) - 1; i >= 0; i -= 1) down(i);
      }
    },
  };
}
