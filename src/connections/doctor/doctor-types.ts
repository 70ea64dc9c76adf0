export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  id: string;
  /** Stable AZDO_... code; passing checks carry AZDO_OK. */
  code: string;
  status: CheckStatus;
  durationMs: number;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

/** What the credential was seen to allow; absent means not probed (an earlier check failed, or it does not apply). */
export interface FeatureAccess {
  readCode?: boolean;
  writeCode?: boolean;
  builds?: boolean;
  workItems?: boolean;
  serviceHooks?: boolean;
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  checks: DoctorCheck[];
  features: FeatureAccess;
  /** HTTP requests made (the benchmark prints it; fewer is better). */
  requests: number;
  durationMs: number;
  credentialExpiresAt?: string;
  /** A Server or non-Microsoft SSH host seen for the first time: the CLI asks the user, then pins `knownHostsLine`. */
  unconfirmedHostKey?: { host: string; port: number; fingerprint: string; knownHostsLine: string };
}
