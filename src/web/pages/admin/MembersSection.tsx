// Who belongs to the workspace: invite by e-mail (a one-time sign-in link to pass on), change roles, remove, and a
// new sign-in link for someone whose link expired.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { changeMemberRole, inviteMember, listMembers, newSignInLink, removeMember, type Member, type WorkspaceRole } from '../../api/client.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { DataTable } from '../../components/DataTable.js';
import { Field, type ControlProps } from '../../components/Field.js';
import { Notice, ProblemAlert } from '../../components/ProblemAlert.js';
import { QueryState } from '../../components/QueryState.js';
import { TimeAgo } from '../../components/Time.js';
import { useSession } from '../../app/session.js';
import { InlineForm } from './InlineForm.js';
import { OneTimeSecret } from './OneTimeSecret.js';

const MEMBERS = ['members'];

function RoleSelect({ value, onChange, ...rest }: ControlProps & { value: WorkspaceRole; disabled?: boolean; onChange: (role: WorkspaceRole) => void }) {
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value as WorkspaceRole)}>
      <option value="member">Member</option>
      <option value="admin">Admin</option>
    </select>
  );
}

function InviteForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const invite = useMutation({
    mutationFn: () => inviteMember({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), role }),
    onSuccess: async () => {
      setEmail('');
      setName('');
      await queryClient.invalidateQueries({ queryKey: MEMBERS });
    },
  });
  return (
    <InlineForm
      title="Invite someone"
      action={invite}
      submit="Invite"
      submitting="Inviting…"
      result={
        invite.data ? (
          invite.data.signInUrl ? (
            <OneTimeSecret
              label={`Sign-in link for ${invite.data.member.email}`}
              value={invite.data.signInUrl}
              note="Send this link to them: it works once and expires. azdo-connect does not send e-mail."
            />
          ) : (
            <Notice live tone="success">
              {invite.data.member.email} is now a member. They can sign in with their usual link.
            </Notice>
          )
        ) : null
      }
    >
      {(errors) => (
        <>
          <Field label="E-mail" error={errors.email}>
            {(p) => <input {...p} type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Name" optional error={errors.name}>
            {(p) => <input {...p} type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Role" error={errors.role}>
            {(p) => <RoleSelect {...p} value={role} onChange={setRole} />}
          </Field>
        </>
      )}
    </InlineForm>
  );
}

function MemberRow({ member }: { member: Member }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: MEMBERS });
  const role = useMutation({ mutationFn: (r: WorkspaceRole) => changeMemberRole(member.userId, r), onSettled: refresh });
  const link = useMutation({ mutationFn: () => newSignInLink(member.userId) });
  const remove = useMutation({ mutationFn: () => removeMember(member.userId), onSuccess: refresh });
  const self = member.userId === session.user.id;
  const label = member.name || member.email;
  return (
    <tr>
      <td data-label="Member" className="cell-primary">
        <strong>{member.name || member.email}</strong>
        {self ? <span className="muted"> (you)</span> : null}
        <br />
        <span className="muted small">{member.email}</span>
      </td>
      <td data-label="Role">
        <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
          Role of {label}
        </label>
        <RoleSelect id={`role-${member.userId}`} value={role.isPending ? role.variables : member.role} disabled={role.isPending} onChange={(r) => role.mutate(r)} />
        <ProblemAlert error={role.error} />
      </td>
      <td data-label="Added">
        <TimeAgo value={member.addedAt} />
      </td>
      <td data-label="Actions">
        <div className="button-row">
          <button type="button" className="btn btn-ghost btn-small" disabled={link.isPending} onClick={() => link.mutate()}>
            New sign-in link<span className="visually-hidden"> for {label}</span>
          </button>
          {!self ? (
            <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => setConfirmRemove(true)}>
              Remove<span className="visually-hidden"> {label}</span>
            </button>
          ) : null}
        </div>
        <ProblemAlert error={link.error} />
        {link.data ? <OneTimeSecret label={`Sign-in link for ${member.email}`} value={link.data.signInUrl} note="Works once; expires. Send it to them." /> : null}
        {confirmRemove ? (
          <ConfirmDialog title={`Remove ${label}?`} confirm="Remove member" pending="Removing…" action={remove} onClose={() => setConfirmRemove(false)}>
            <p>{member.email} loses access to this workspace at once. They can be invited again later.</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

export function MembersSection() {
  const query = useQuery({ queryKey: MEMBERS, queryFn: () => listMembers() });
  const members = query.data?.items ?? [];
  return (
    <section aria-labelledby="members-heading" className="section">
      <h2 id="members-heading">Members</h2>
      <InviteForm />
      <QueryState query={query} items={members} loading="Loading members…">
        <DataTable caption="Members" columns={['Member', 'Role', 'Added']} actions>
          {members.map((m) => (
            <MemberRow key={m.userId} member={m} />
          ))}
        </DataTable>
      </QueryState>
    </section>
  );
}
