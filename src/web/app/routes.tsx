// Every page and its address. Addresses are stable: the browser tests and people's bookmarks use them.
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from './AppShell.js';
import { RequireSession } from './session.js';
import { SignInPage } from '../pages/SignInPage.js';
import { NotFoundPage } from '../pages/NotFoundPage.js';
import { ConnectionsPage } from '../pages/connections/ConnectionsPage.js';
import { AddConnectionPage, EditConnectionPage } from '../pages/connections/ConnectionFormPages.js';
import { ConnectionDetailPage } from '../pages/connections/ConnectionDetailPage.js';
import { RepositoriesPage } from '../pages/repositories/RepositoriesPage.js';
import { RepositoryPage } from '../pages/repositories/RepositoryPage.js';
import { JobsPage } from '../pages/JobsPage.js';
import { MembersPage } from '../pages/admin/MembersPage.js';

export function createRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <AppShell />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/connections" replace /> },
        { path: 'connections', element: <ConnectionsPage /> },
        { path: 'connections/new', element: <AddConnectionPage /> },
        { path: 'connections/:id', element: <ConnectionDetailPage /> },
        { path: 'connections/:id/edit', element: <EditConnectionPage /> },
        { path: 'connections/:id/repositories', element: <RepositoriesPage /> },
        { path: 'connections/:id/repositories/:repo', element: <RepositoryPage /> },
        { path: 'jobs', element: <JobsPage /> },
        { path: 'members', element: <MembersPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
