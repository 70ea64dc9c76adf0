// What only some connections need: headers for a proxy in front of Azure DevOps (e.g. Cloudflare Access), a private
// CA for a Server's HTTPS certificate, and a Server's SSH port. Folded away unless the connection uses them.
import { errorWithin } from '../../api/client.js';
import { Field, FieldErrorText } from '../../components/Field.js';
import { TextFileField } from '../../components/TextFileField.js';
import type { Errors, SetForm } from './ConnectionForm.js';
import { headerKey, type ConnectionForm, type HeaderRow } from './form-state.js';

function HeaderRows({ form, setForm, errors }: { form: ConnectionForm; setForm: SetForm; errors: Errors }) {
  const update = (key: number, patch: Partial<HeaderRow>) =>
    setForm((f) => ({ ...f, headers: f.headers.map((h) => (h.key === key ? { ...h, ...patch } : h)) }));
  const remove = (key: number) => setForm((f) => ({ ...f, headers: f.headers.filter((h) => h.key !== key) }));
  const add = () => setForm((f) => ({ ...f, headers: [...f.headers, { key: headerKey(), name: '', value: '', secret: false, stored: false }] }));

  return (
    <fieldset className="form-subsection">
      <legend>Custom headers</legend>
      <p className="field-description">Sent with every request to Azure DevOps, e.g. the client ID and secret of a Cloudflare Access service token. Secret values are write-only.</p>
      {form.headers.map((h, i) => {
        const n = i + 1;
        const error = errors[`customHeaders.${h.name.trim()}`] ?? (h.name.trim() === '' ? errors['customHeaders.?'] : undefined);
        return (
          <div className="header-row" key={h.key}>
            <div className="field">
              <label htmlFor={`header-${h.key}-name`}>Header {n} name</label>
              <input id={`header-${h.key}-name`} type="text" autoComplete="off" spellCheck={false} value={h.name} placeholder="CF-Access-Client-Id" onChange={(e) => update(h.key, { name: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`header-${h.key}-value`}>Header {n} value</label>
              <input
                id={`header-${h.key}-value`}
                type={h.secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                value={h.value}
                placeholder={h.stored ? 'set — type a new value to replace it' : ''}
                onChange={(e) => update(h.key, { value: e.target.value })}
              />
            </div>
            <label className="checkbox header-secret">
              <input type="checkbox" checked={h.secret} onChange={(e) => update(h.key, { secret: e.target.checked, stored: e.target.checked && h.stored })} />
              Header {n} is secret
            </label>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => remove(h.key)}>
              Remove header {n}
            </button>
            {error ? <FieldErrorText error={error} /> : null}
          </div>
        );
      })}
      <button type="button" className="btn btn-secondary btn-small" onClick={add}>
        Add header
      </button>
    </fieldset>
  );
}

export function AdvancedFields({ form, setForm, errors }: { form: ConnectionForm; setForm: SetForm; errors: Errors }) {
  const set = (patch: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...patch }));
  const hasErrors = ['customHeaders', 'tls', 'ssh'].some((k) => errorWithin(errors, k));
  const used = form.headers.length > 0 || form.caBundle !== '' || form.sshPort !== '';
  return (
    <details className="form-section advanced" open={used || hasErrors}>
      <summary>Proxy headers{form.kind === 'server' ? ', TLS and SSH port' : ''}</summary>
      <HeaderRows form={form} setForm={setForm} errors={errors} />
      {errorWithin(errors, 'customHeaders') && !form.headers.some((h) => errors[`customHeaders.${h.name.trim()}`]) ? (
        <FieldErrorText error={errorWithin(errors, 'customHeaders')!} />
      ) : null}
      {form.kind === 'server' ? (
        <>
          <Field
            label="TLS CA bundle"
            optional
            error={errorWithin(errors, 'tls')}
            description="PEM certificates of your private certificate authority, when the server's HTTPS certificate is not publicly trusted."
          >
            {(p) => <textarea {...p} className="mono" rows={4} spellCheck={false} value={form.caBundle} placeholder="-----BEGIN CERTIFICATE-----" onChange={(e) => set({ caBundle: e.target.value })} />}
          </Field>
          <TextFileField label="Or read the CA bundle from a file" accept=".pem,.crt,.cer,text/plain" onText={(caBundle) => set({ caBundle })} />
          {form.credentialType === 'ssh' ? (
            <Field label="SSH port" optional error={errorWithin(errors, 'ssh')} description="22 unless the server's administrator changed it.">
              {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={65535} value={form.sshPort} onChange={(e) => set({ sshPort: e.target.value })} />}
            </Field>
          ) : null}
        </>
      ) : null}
    </details>
  );
}
