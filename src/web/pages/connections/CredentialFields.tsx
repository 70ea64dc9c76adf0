// The credential part of the connection form: a personal access token, an SSH key or a service principal. On edit a
// stored secret is shown as "set" (never its value) and stays unless the user chooses to replace it.
import type { CredentialType } from '../../api/client.js';
import { Field, FieldErrorText } from '../../components/Field.js';
import type { Errors, SetForm } from './ConnectionForm.js';
import { CREDENTIAL_TEXT } from './connection-text.js';
import { sendsSecret, type ConnectionForm } from './form-state.js';
import { SshKeyFields } from './SshKeyFields.js';

export interface StoredCredential {
  tokenFingerprint?: string;
  publicKey?: string;
  fingerprint?: string;
}

/** "Set — replace?": a stored secret, and the button that asks for a new one. */
export function StoredSecret({ what, detail, onReplace }: { what: string; detail?: string | undefined; onReplace: () => void }) {
  return (
    <div className="stored-secret">
      <p>
        <span className="stored-secret-label">{what}:</span> <strong>set</strong>
        {detail ? <span className="muted"> ({detail})</span> : null}
        <span className="muted"> — the service never shows it again.</span>
      </p>
      <button type="button" className="btn btn-secondary btn-small" onClick={onReplace}>
        Replace {what.toLowerCase()}
      </button>
    </div>
  );
}

function TypeChoice({ form, setForm }: { form: ConnectionForm; setForm: SetForm }) {
  const types: CredentialType[] = ['pat', 'ssh', 'servicePrincipal'];
  return (
    <div className="choice-group" role="radiogroup" aria-label="Credential type">
      {types.map((t) => {
        const disabled = t === 'servicePrincipal' && form.kind === 'server';
        return (
          <label key={t} className={`choice${disabled ? ' choice-disabled' : ''}`}>
            <input type="radio" name="credentialType" value={t} checked={form.credentialType === t} disabled={disabled} onChange={() => setForm((f) => ({ ...f, credentialType: t }))} />
            <span>
              <strong>{CREDENTIAL_TEXT[t]}</strong>
              <span className="choice-description">
                {t === 'pat' ? 'A token from User settings → Personal access tokens' : t === 'ssh' ? 'An RSA key pair; git over SSH' : disabled ? 'Services only' : 'An Entra ID application (Services only)'}
              </span>
            </span>
          </label>
        );
      })}
    </div>
  );
}

export function CredentialFields({ form, setForm, errors, stored }: { form: ConnectionForm; setForm: SetForm; errors: Errors; stored?: StoredCredential }) {
  const set = (patch: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...patch }));
  const replacing = sendsSecret(form);
  const replace = () => set({ replaceSecret: true });
  return (
    <fieldset className="form-section">
      <legend>Credential</legend>
      <TypeChoice form={form} setForm={setForm} />
      {errors.credential ? <FieldErrorText error={errors.credential} /> : null}
      {errors['credential.type'] ? <FieldErrorText error={errors['credential.type']} /> : null}

      {form.credentialType === 'pat' ? (
        <>
          {replacing ? (
            <Field label="Personal access token" error={errors['credential.token']} description="Azure DevOps shows it once, when you create it. It needs at least Code (Read).">
              {(p) => <input {...p} type="password" autoComplete="off" spellCheck={false} value={form.patToken} onChange={(e) => set({ patToken: e.target.value })} />}
            </Field>
          ) : (
            <StoredSecret what="Token" detail={stored?.tokenFingerprint} onReplace={replace} />
          )}
          <Field label="Expires on" optional error={errors['credential.expiresAt']} description="Azure DevOps does not tell azdo-connect when a token expires; with the date, the connection counts down and warns 14 days before.">
            {(p) => <input {...p} type="date" value={form.patExpiresAt} onChange={(e) => set({ patExpiresAt: e.target.value })} />}
          </Field>
        </>
      ) : null}

      {form.credentialType === 'ssh' ? <SshKeyFields form={form} setForm={setForm} errors={errors} replacing={replacing} stored={stored} onReplace={replace} /> : null}

      {form.credentialType === 'servicePrincipal' ? (
        <>
          <div className="field-row">
            <Field label="Tenant ID" error={errors['credential.tenantId']} description="A GUID, or a domain such as contoso.onmicrosoft.com.">
              {(p) => <input {...p} type="text" autoComplete="off" spellCheck={false} value={form.tenantId} onChange={(e) => set({ tenantId: e.target.value })} />}
            </Field>
            <Field label="Client ID" error={errors['credential.clientId']} description="The application (client) ID, a GUID.">
              {(p) => <input {...p} type="text" autoComplete="off" spellCheck={false} value={form.clientId} onChange={(e) => set({ clientId: e.target.value })} />}
            </Field>
          </div>
          {replacing ? (
            <Field label="Client secret" error={errors['credential.clientSecret']} description="The secret's value (not its ID), from Certificates & secrets of the app registration.">
              {(p) => <input {...p} type="password" autoComplete="off" spellCheck={false} value={form.clientSecret} onChange={(e) => set({ clientSecret: e.target.value })} />}
            </Field>
          ) : (
            <StoredSecret what="Client secret" onReplace={replace} />
          )}
        </>
      ) : null}
    </fieldset>
  );
}
