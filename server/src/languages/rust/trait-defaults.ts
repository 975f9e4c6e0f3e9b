/**
 * Default methods of a trait declared in another crate of the workspace, taken by an impl in this crate
 * (`impl Repository for UserRepository {}` using orbit-essentials' `Repository::get`, whose body calls
 * `Self::with_db(…)`). What such a default does depends on `Self`: the impl's own `with_db` reaches this crate's
 * state. So each default an impl inherits from a dependency's trait is lowered once per implementing type, as
 * a method of that type, in the impl's crate, where `Self::…` and `self.…` find the impl's methods. A trait of
 * the same crate needs none of this: its defaults already see the crate's impls.
 */
import type { CrateIndex, FnInfo } from './crate-index';

/** Crates `index` depends on, transitively, each once. */
function depsOf(index: CrateIndex): CrateIndex[] {
  const seen = new Set<CrateIndex>();
  const visit = (c: CrateIndex) => {
    for (const d of c.deps.values()) {
      if (seen.has(d) || d === index) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(index);
  return [...seen];
}

/** Default methods (`Trait::m` with a body) of trait `name`, from the first dependency that declares it. */
function depDefaults(deps: CrateIndex[], name: string): FnInfo[] | undefined {
  for (const dep of deps) {
    if (!dep.types.traits.has(name)) continue;
    return dep.fns.filter((f) => f.typeName === name && f.traitName === name);
  }
  return undefined;
}

/**
 * Adds to `index` a copy of each default it inherits from a dependency's trait, as `Type::m` of the
 * implementing type (unless the type has a method of that name already). Returns the copies.
 */
export function specialiseDepDefaults(index: CrateIndex): FnInfo[] {
  const deps = depsOf(index);
  if (!deps.length) return [];
  const added: FnInfo[] = [];
  for (const [trait, impls] of index.types.traitImpls) {
    if (index.types.traits.has(trait)) continue;
    const defaults = depDefaults(deps, trait);
    if (!defaults?.length) continue;
    for (const impl of impls) {
      for (const d of defaults) {
        const key = `${impl.typeName}::${d.name}`;
        if (impl.methods.has(d.name) || index.methods.has(key)) continue;
        const copy: FnInfo = { ...d, typeName: impl.typeName, traitName: trait, specialisedIn: index };
        index.fns.push(copy);
        index.methods.set(key, copy);
        const same = index.methodsByName.get(d.name);
        if (same) same.push(copy);
        else index.methodsByName.set(d.name, [copy]);
        added.push(copy);
      }
    }
  }
  return added;
}
