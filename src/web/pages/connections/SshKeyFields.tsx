// An SSH key for a connection: generated here (the public key to paste into Azure DevOps, both keys downloadable
// from memory; the private key once) or imported (pasted or read from a file, with its passphrase).
import { useMutation } from '@tanstack/react-query';
import { generateSshKey } from '../../api/client.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Field, FieldErrorText } from '../../components/Field.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { TextFileField } from '../../components/TextFileField.js';
import { downloadText } from '../../lib/download.js';
import type { Errors, SetForm } from './ConnectionForm.js';
import type { StoredCredential } from './CredentialFields.js';
import { StoredSecret } from './CredentialFields.js';
import type { ConnectionForm } from './form-state.js';

function keyFileName(form: ConnectionForm): string {
  const base = form.name.trim().replace(/[^A-Za-z0-9._-]+/g, '-') || 'azdo-connect';
  return `${base}_rsa`;
}

function AddKeyInstructions() {
  return (
    <ol className="steps">
      <li>Copy the public key.</li>
      <li>
        In Azure DevOps, open <strong>User settings → SSH public keys</strong> and choose <strong>New key</strong>.
      </li>
      <li>Paste the key, give it a name, and add it.</li>
      <li>Save this connection: Test connection then checks that Azure DevOps accepts the key.</li>
    </ol>
  );
}

function GeneratedKey({ form, setForm }: { form: ConnectionForm; setForm: SetForm }) {
  const key = form.sshGenerated!;
  const file = keyFileName(form);
  return (
    <div className="generated-key">
      <div className="field">
        <label htmlFor="ssh-public-key">Public key</label>
        <p className="field-description">
          Fingerprint <code>{key.fingerprint}</code> · RSA {key.bits} bits
        </p>
        <textarea id="ssh-public-key" className="mono" readOnly rows={4} value={key.publicKey} onFocus={(e) => e.target.select()} />
        <div className="button-row">
          <CopyButton value={key.publicKey} label="Copy public key" />
          <button type="button" className="btn btn-secondary btn-small" onClick={() => downloadText(`${file}.pub`, `${key.publicKey}\n`)}>
            Download public key
          </button>
          {form.sshPrivateDownloaded ? null : (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => {
                downloadText(file, key.privateKey, 'application/x-pem-file');
                setForm((f) => ({ ...f, sshPrivateDownloaded: true }));
              }}
            >
              Download private key
            </button>
          )}
        </div>
        <p className="field-description" role="status">
          {form.sshPrivateDownloaded
            ? 'The private key was downloaded; it is offered only once. Keep it safe.'
            : 'You need the private key only to use this key elsewhere: azdo-connect keeps its own encrypted copy when you save. It can be downloaded once.'}
        </p>
      </div>
      <AddKeyInstructions />
    </div>
  );
}

export function SshKeyFields(props: { form: ConnectionForm; setForm: SetForm; errors: Errors; replacing: boolean; stored: StoredCredential | undefined; onReplace: () => void }) {
  const { form, setForm, errors } = props;
  const set = (patch: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...patch }));
  const generate = useMutation({
    mutationFn: generateSshKey,
    onSuccess: (pair) => set({ sshGenerated: pair, sshPrivateDownloaded: false, sshRegisteredAt: new Date().toISOString().slice(0, 10) }),
  });

  const registered = (
    <Field label="Registered in Azure DevOps on" optional error={errors['credential.registeredAt']} description="Azure DevOps stops accepting an SSH key a year after it was added; with the date, the connection counts down.">
      {(p) => <input {...p} type="date" value={form.sshRegisteredAt} onChange={(e) => set({ sshRegisteredAt: e.target.value })} />}
    </Field>
  );

  if (!props.replacing) {
    return (
      <>
        <StoredSecret what="Key" detail={props.stored?.fingerprint} onReplace={props.onReplace} />
        {props.stored?.publicKey ? (
          <div className="field">
            <label htmlFor="ssh-stored-public-key">Public key</label>
            <textarea id="ssh-stored-public-key" className="mono" readOnly rows={3} value={props.stored.publicKey} />
            <div className="button-row">
              <CopyButton value={props.stored.publicKey} label="Copy public key" />
            </div>
          </div>
        ) : null}
        {registered}
      </>
    );
  }

  return (
    <>
      <div className="choice-group choice-group-inline" role="radiogroup" aria-label="SSH key source">
        <label className="choice">
          <input type="radio" name="sshMode" value="generate" checked={form.sshMode === 'generate'} onChange={() => set({ sshMode: 'generate' })} />
          <span>Generate a new key</span>
        </label>
        <label className="choice">
          <input type="radio" name="sshMode" value="import" checked={form.sshMode === 'import'} onChange={() => set({ sshMode: 'import' })} />
          <span>Import a key I have</span>
        </label>
      </div>
      {errors['credential.privateKey'] && form.sshMode === 'generate' ? <FieldErrorText error={errors['credential.privateKey']} /> : null}

      {form.sshMode === 'generate' ? (
        <>
          {form.sshGenerated ? <GeneratedKey form={form} setForm={setForm} /> : null}
          <div className="button-row">
            <button type="button" className="btn btn-secondary" disabled={generate.isPending} onClick={() => generate.mutate()}>
              {generate.isPending ? 'Generating a 4096-bit RSA key…' : form.sshGenerated ? 'Generate another key' : 'Generate key pair'}
            </button>
          </div>
          <ProblemAlert error={generate.error} />
        </>
      ) : (
        <>
          <Field label="Private key" description="RSA, in OpenSSH, PEM or PKCS#8 format: the file without .pub." error={errors['credential.privateKey']}>
            {(p) => (
              <textarea
                {...p}
                className="mono"
                rows={6}
                spellCheck={false}
                autoComplete="off"
                value={form.sshPrivateKey}
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                onChange={(e) => set({ sshPrivateKey: e.target.value })}
              />
            )}
          </Field>
          <TextFileField label="Or read the private key from a file" onText={(sshPrivateKey) => set({ sshPrivateKey })} />
          <Field label="Passphrase" optional error={errors['credential.passphrase']} description="Only if the key is encrypted. It unlocks the key once and is not stored.">
            {(p) => <input {...p} type="password" autoComplete="off" value={form.sshPassphrase} onChange={(e) => set({ sshPassphrase: e.target.value })} />}
          </Field>
        </>
      )}
      {registered}
    </>
  );
}
