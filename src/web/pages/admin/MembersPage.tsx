// Members & tokens, for workspace admins.
import { isWorkspaceAdmin, useSession } from '../../app/session.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { MembersSection } from './MembersSection.js';
import { TokensSection } from './TokensSection.js';

export function MembersPage() {
  usePageTitle('Members & tokens');
  const session = useSession();
  if (!isWorkspaceAdmin(session)) {
    return (
      <div className="page">
        <PageHeader title="Members & tokens" subtitle="Only admins of this workspace manage its members and API tokens." />
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Members & tokens" subtitle={`Who can use the ${session.workspace.name} workspace, and the tokens scripts use.`} />
      <MembersSection />
      <TokensSection />
    </div>
  );
}
