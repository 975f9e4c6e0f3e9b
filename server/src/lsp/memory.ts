/**
 * The memory rule of the language server: past half of the heap limit, a group's previous result is dropped
 * before the next analysis runs instead of after, so two full results of a huge file are never held at once
 * (hovers then wait for the new result instead of answering from the old one).
 */
import { getHeapStatistics } from 'node:v8';

export function memoryIsTight(fraction = 0.5): boolean {
  const { used_heap_size, heap_size_limit } = getHeapStatistics();
  return used_heap_size > heap_size_limit * fraction;
}
