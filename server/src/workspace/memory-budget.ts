/**
 * The memory budget of one analysis (issue #10: degrade, do not die). Before each entry point's exposure is
 * computed the heap in use is compared with the budget; past it, the rest of the entry points keep their
 * classified awaits but get no interleavers, and a notice says so. No budget given: three quarters of V8's heap
 * limit, so the process stops growing well before it would run out of memory.
 */
import { getHeapStatistics } from 'node:v8';

const MB = 2 ** 20;
const AUTOMATIC_SHARE = 0.75;

/** `budgetMB` 0 or absent: automatic. The check answers why it is over, or undefined. */
export function memoryBudget(budgetMB?: number): () => string | undefined {
  const given = budgetMB !== undefined && budgetMB > 0;
  const budget = given ? budgetMB * MB : getHeapStatistics().heap_size_limit * AUTOMATIC_SHARE;
  const what = given
    ? `the memory budget of ${budgetMB} MB`
    : `the automatic memory budget of ${Math.round(budget / MB)} MB (3/4 of the heap limit)`;
  return () => {
    const used = getHeapStatistics().used_heap_size;
    return used > budget ? `${Math.round(used / MB)} MB in use, past ${what}` : undefined;
  };
}
