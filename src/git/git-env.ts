// The environment every git command of ours runs with, and the shape of a remote it talks to.

export interface GitRemote {
  /** No credentials in it: safe to show, log and keep in the mirror's config. */
  url: string;
  /** Added to git's environment; holds the credential (HTTPS), so it is never logged. */
  env: Record<string, string>;
  transport: 'https' | 'ssh';
  /** Where git talks to, for messages: the URL, or `host:port` over SSH. */
  where: string;
  /** Removes the temporary key, known_hosts and CA files. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Settings every git command gets: no prompt can hang a fetch, and no helper of the user's adds other credentials. */
export const QUIET_GIT_ENV: Readonly<Record<string, string>> = Object.freeze({
  GIT_TERMINAL_PROMPT: '0',
  // Empty, not unset: git skips an empty GIT_ASKPASS instead of falling back to SSH_ASKPASS or core.askPass.
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
});

/** Config entries as GIT_CONFIG_COUNT/KEY_n/VALUE_n: git reads them like `-c`, but they stay out of argv. */
export function gitConfigEnv(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
