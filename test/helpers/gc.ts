// What code lets go of, checked from a test: objects are tracked with a FinalizationRegistry (a
// WeakRef would keep its target for the rest of the turn that made or read it), then V8's gc(),
// exposed for this process on first use, runs until their finalizers have reported.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** Registers objects under names; `collected()` runs full collections and says which are gone. */
export function collectionTracker() {
  const gone = new Set<string>();
  const registry = new FinalizationRegistry<string>((name) => gone.add(name));
  return {
    track<T extends object>(name: string, x: T): T {
      registry.register(x, name);
      return x;
    },
    async collected(): Promise<string[]> {
      if (!gc) {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as () => void;
      }
      for (let turn = 0; turn < 3; turn++) {
        await new Promise((r) => setImmediate(r));
        gc();
      }
      await new Promise((r) => setImmediate(r));
      return [...gone].sort();
    },
  };
}
