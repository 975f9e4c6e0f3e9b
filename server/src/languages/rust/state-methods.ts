/** Method tables for state handles and conditions that distinguish an unknown call outcome. */

/** Methods that only read, even on a mutable borrow. */
export const PURE_METHODS = new Set([
  'get',
  'contains_key',
  'contains',
  'len',
  'iter',
  'keys',
  'values',
  'is_empty',
  'first_key_value',
  'last_key_value',
  'first',
  'last',
  'clone',
  'cloned',
  'copied',
  'range',
  'to_vec',
  'to_owned',
  'to_string',
  'as_slice',
  'starts_with',
  'ends_with',
  'binary_search',
  'is_some',
  'is_none',
  'map',
  'unwrap_or',
  'unwrap_or_default',
  'get_key_value',
  'borrow',
  'as_ref',
]);

/** Map and set methods whose first argument is the key. */
export const KEYED_METHODS = new Set([
  'get',
  'get_mut',
  'insert',
  'remove',
  'contains_key',
  'contains',
  'entry',
  'get_key_value',
]);

/** Methods that turn a handle into a borrow of the same state. */
export const BORROW_METHODS: Record<string, boolean> = {
  borrow: false,
  borrow_mut: true,
  // `s.borrow().as_ref()` on a `RefCell<Option<State>>`: still the state, read-only.
  as_ref: false,
  as_mut: true,
  deref: false,
  deref_mut: true,
  lock: true,
  write: true,
  read: false,
};

/** A condition or pattern that tells an unknown call outcome (`SysUnknown`) apart. */
export const UNKNOWN_OUTCOME =
  /SysUnknown|SYS_UNKNOWN|is_clean_reject|is_immediately_retryable|CallFailed::\w*Unknown/;

/** Methods of std collections that change the collection they are called on. */
export const COLLECTION_MUTATORS = new Set([
  'insert',
  'remove',
  'push',
  'pop',
  'clear',
  'extend',
  'append',
  'truncate',
  'retain',
  'drain',
  'swap_remove',
  'push_back',
  'push_front',
  'pop_back',
  'pop_front',
]);

/** Methods of std collections and `Option`/`Result`: a workspace method of the same name is not meant. */
const STD_MUTATORS = new Set([
  ...COLLECTION_MUTATORS,
  'sort',
  'sort_by',
  'dedup',
  'iter_mut',
  'or_insert',
  'or_default',
  'and_modify',
  'and_then',
  'map_err',
  'ok_or',
  'unwrap_or_else',
  'into_iter',
  'collect',
  'filter',
  'to_vec',
  'set',
  'take',
  'replace',
  'with',
  'new',
  'default',
  'from',
  'into',
]);

export function isStdMethod(name: string): boolean {
  return (
    PURE_METHODS.has(name) || KEYED_METHODS.has(name) || STD_MUTATORS.has(name) || name in BORROW_METHODS
  );
}
