/** A minimal typed listener set (the renderer has no Node EventEmitter). */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  add(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  emit(value: T): void {
    for (const fn of [...this.fns]) {
      try {
        fn(value);
      } catch (e) {
        // One faulty listener must not stop the others from hearing the event.
        console.error(e);
      }
    }
  }

  get size(): number {
    return this.fns.size;
  }
}
