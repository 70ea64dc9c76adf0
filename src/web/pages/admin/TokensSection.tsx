// API tokens for scripts and CI: a name, a scope and an expiry. The token is shown once, when it is made; the
// service keeps only its hash, so a lost token is revoked and replaced, never shown again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createToken, listTokens, revokeToken, type ApiToken, type TokenScope } from '../../api/client.js';
import { Badge } from '../../components/Badge.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { DataTable } from '../../components/DataTable.js';
import { Field } from '../../components/Field.js';
import { QueryState } from '../../components/QueryState.js';
import { ExpiryCountdown, TimeAgo } from '../../components/Time.js';
import { InlineForm } from './InlineForm.js';
import { OneTimeSecret } from './OneTimeSecret.js';

const TOKENS = ['tokens'];

// The option says the scope; the description under the label says what it allows (a long option is cut off).
const SCOPES: Array<{ value: TokenScope; text: string; allows: string }> = [
  { value: 'read', text: 'Read', allows: 'Look at everything; change nothing.' },
  { value: 'write', text: 'Write', allows: 'Also change connections, repositories and jobs.' },
  { value: 'admin', text: 'Admin', allows: 'Also manage members and tokens.' },
];

function CreateTokenForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [days, setDays] = useState('90');
  const create = useMutation({
    mutationFn: () => createToken({ name: name.trim(), scope, expiresInDays: Number(days) }),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: TOKENS });
    },
  });
  return (
    <InlineForm
      title="Create an API token"
      action={create}
      submit="Create token"
      submitting="Creating…"
      result={
        create.data ? (
          <OneTimeSecret
            label={`API token ${create.data.name}`}
            value={create.data.token}
            note="Copy it now: it is shown only this once. Scripts send it as Authorization: Bearer <token>."
          />
        ) : null
      }
    >
      {(errors) => (
        <>
          <Field label="Token name" error={errors.name} description="What it is for, e.g. nightly-backup.">
            {(p) => <input {...p} type="text" required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Scope" error={errors.scope} description={SCOPES.find((s) => s.value === scope)?.allows}>
            {(p) => (
              <select {...p} value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
                {SCOPES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.text}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expires after (days)" error={errors.expiresInDays} description="1 to 366.">
            {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={366} required value={days} onChange={(e) => setDays(e.target.value)} />}
          </Field>
        </>
      )}
    </InlineForm>
  );
}

function TokenRow({ token }: { token: ApiToken }) {
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const revoke = useMutation({
    mutationFn: () => revokeToken(token.id),
    onSuccess: async () => {
      setConfirm(false);
      await queryClient.invalidateQueries({ queryKey: TOKENS });
    },
  });
  const revoked = token.revokedAt !== null;
  return (
    <tr>
      <td data-label="Token" className="cell-primary">
        <strong>{token.name}</strong>
        <br />
        <code className="small">{token.prefix}…</code>
      </td>
      <td data-label="Scope">
        <Badge>{token.scope}</Badge>
      </td>
      <td data-label="Expiry">{revoked ? <Badge tone="danger" icon="✕">Revoked</Badge> : <ExpiryCountdown expiresAt={token.expiresAt} />}</td>
      <td data-label="Last used">
        <TimeAgo value={token.lastUsedAt} />
      </td>
      <td data-label="Actions">
        {!revoked ? (
          <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => setConfirm(true)}>
            Revoke<span className="visually-hidden"> {token.name}</span>
          </button>
        ) : null}
        {confirm ? (
          <ConfirmDialog title={`Revoke ${token.name}?`} confirm="Revoke token" pending="Revoking…" action={revoke} onClose={() => setConfirm(false)}>
            <p>Scripts using this token are refused from now on. This cannot be undone.</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

export function TokensSection() {
  const query = useQuery({ queryKey: TOKENS, queryFn: () => listTokens() });
  const tokens = query.data?.items ?? [];
  return (
    <section aria-labelledby="tokens-heading" className="section">
      <h2 id="tokens-heading">API tokens</h2>
      <CreateTokenForm />
      <QueryState query={query} items={tokens} loading="Loading tokens…" empty={<p className="muted">No API tokens yet.</p>}>
        <DataTable caption="API tokens" columns={['Token', 'Scope', 'Expiry', 'Last used']} actions>
          {tokens.map((t) => (
            <TokenRow key={t.id} token={t} />
          ))}
        </DataTable>
      </QueryState>
    </section>
  );
}
