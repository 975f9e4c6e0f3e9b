/**
 * What the client told the server in `initializationOptions`. Only our VS Code client sets these; every other
 * editor gets plain LSP (no client-side commands, no custom notifications it would not understand).
 */
export interface ClientOptions {
  /** The client runs `commitPoints.*` commands, so code lenses may carry them. */
  commandLenses: boolean;
  /** The client listens to `commitPoints/status`. */
  statusNotifications: boolean;
  /** The client opens the rule pages it ships through `commitPoints.openRuleDoc` links. */
  ruleDocCommand: boolean;
}

export function readClientOptions(raw: unknown): ClientOptions {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    commandLenses: o.commandLenses === true,
    statusNotifications: o.statusNotifications === true,
    ruleDocCommand: o.ruleDocCommand === true,
  };
}
