// Add or edit a connection. Every mistake the service finds is shown beside its field (with how to fix it), and
// anything it could not place is listed at the top; nothing is saved until the whole form is right.
import { useRef, useState, type Dispatch, type FormEvent, type SetStateAction } from 'react';
import { Link } from 'react-router';
import { errorWithin, fieldErrors, messageOf, unplacedErrors, type FieldError } from '../../api/client.js';
import { Field, FieldErrorText } from '../../components/Field.js';
import { AdvancedFields } from './AdvancedFields.js';
import { CredentialFields } from './CredentialFields.js';
import type { ConnectionForm } from './form-state.js';

export type SetForm = Dispatch<SetStateAction<ConnectionForm>>;
export type Errors = Record<string, FieldError>;

/** Fields the form shows errors beside; anything else goes to the summary at the top. */
const PLACED = [
  'url',
  'kind',
  'name',
  'description',
  'labels.*',
  'credential',
  'credential.type',
  'credential.token',
  'credential.expiresAt',
  'credential.privateKey',
  'credential.passphrase',
  'credential.registeredAt',
  'credential.tenantId',
  'credential.clientId',
  'credential.clientSecret',
  'customHeaders.*',
  'tls.*',
  'ssh.port',
];

function LocationFields({ form, setForm, errors }: { form: ConnectionForm; setForm: SetForm; errors: Errors }) {
  const set = (patch: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <fieldset className="form-section">
      <legend>Azure DevOps</legend>
      <div className="choice-group" role="radiogroup" aria-label="Kind of Azure DevOps">
        <label className="choice">
          <input type="radio" name="kind" value="services" checked={form.kind === 'services'} onChange={() => set({ kind: 'services' })} />
          <span>
            <strong>Services</strong>
            <span className="choice-description">dev.azure.com, in Microsoft's cloud</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="kind" value="server" checked={form.kind === 'server'} onChange={() => set({ kind: 'server' })} />
          <span>
            <strong>Server</strong>
            <span className="choice-description">Azure DevOps Server (TFS) on your own servers</span>
          </span>
        </label>
      </div>
      {errors.kind ? <FieldErrorText error={errors.kind} /> : null}
      {form.kind === 'services' ? (
        <Field label="Organization URL" error={errors.url} description="For example https://dev.azure.com/fabrikam. Any link into the organization works: a repository, a pull request.">
          {(p) => <input {...p} type="url" required value={form.organizationUrl} placeholder="https://dev.azure.com/your-organization" onChange={(e) => set({ organizationUrl: e.target.value })} />}
        </Field>
      ) : (
        <div className="field-row">
          <Field label="Server URL" error={errors.url} description="The address of the server, e.g. https://tfs.contoso.com/tfs">
            {(p) => <input {...p} type="url" required value={form.serverUrl} placeholder="https://tfs.contoso.com/tfs" onChange={(e) => set({ serverUrl: e.target.value })} />}
          </Field>
          <Field label="Collection" description="Usually DefaultCollection.">
            {(p) => <input {...p} type="text" value={form.collection} onChange={(e) => set({ collection: e.target.value })} />}
          </Field>
        </div>
      )}
    </fieldset>
  );
}

function AboutFields({ form, setForm, errors }: { form: ConnectionForm; setForm: SetForm; errors: Errors }) {
  const set = (patch: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <fieldset className="form-section">
      <legend>About</legend>
      <Field label="Name" error={errors.name} description='A short name, unique in this workspace, e.g. "prod" or "fabrikam-ci".'>
        {(p) => <input {...p} type="text" required maxLength={100} autoComplete="off" value={form.name} onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field label="Description" optional error={errors.description}>
        {(p) => <textarea {...p} rows={2} value={form.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <Field label="Labels" optional error={errorWithin(errors, 'labels')} description="Separate labels with commas, e.g. team-a, production.">
        {(p) => <input {...p} type="text" autoComplete="off" value={form.labels} onChange={(e) => set({ labels: e.target.value })} />}
      </Field>
    </fieldset>
  );
}

export function ConnectionFormView(props: {
  initial: ConnectionForm;
  edit?: { tokenFingerprint?: string; publicKey?: string; fingerprint?: string };
  submitLabel: string;
  cancelTo: string;
  onSubmit: (form: ConnectionForm) => Promise<void>;
}) {
  const [form, setForm] = useState(props.initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const errors = fieldErrors(error);
  const unplaced = unplacedErrors(errors, PLACED);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await props.onSubmit(form);
    } catch (e) {
      setError(e);
      // Keyboard and screen reader users land on the summary, which says what to fix.
      window.setTimeout(() => summary.current?.focus(), 0);
    } finally {
      setSaving(false);
    }
  }

  // Errors shown beside their fields are only counted here; the rest (and a problem with no field) are spelled out.
  const placedCount = Object.keys(errors).length - unplaced.length;
  const { message, hint } = messageOf(error);
  return (
    <form className="form connection-form" noValidate onSubmit={submit} aria-busy={saving}>
      {error ? (
        <div className="alert alert-error" role="alert" tabIndex={-1} ref={summary}>
          <p className="alert-title">The connection was not saved.</p>
          {placedCount === 0 ? (
            <>
              <p className="alert-message">{message}</p>
              {hint ? <p className="alert-hint">{hint}</p> : null}
            </>
          ) : (
            <p className="alert-message">{placedCount === 1 ? 'One field needs a change: see the message beside it.' : `${placedCount} fields need a change: see the message beside each.`}</p>
          )}
          {placedCount > 0 && unplaced.length > 0 ? (
            <ul>
              {unplaced.map((e) => (
                <li key={e.field}>
                  {e.message} {e.hint}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <LocationFields form={form} setForm={setForm} errors={errors} />
      <AboutFields form={form} setForm={setForm} errors={errors} />
      <CredentialFields form={form} setForm={setForm} errors={errors} {...(props.edit ? { stored: props.edit } : {})} />
      <AdvancedFields form={form} setForm={setForm} errors={errors} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : props.submitLabel}
        </button>
        <Link to={props.cancelTo} className="btn btn-secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}
