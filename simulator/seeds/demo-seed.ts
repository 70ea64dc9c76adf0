import type { SeedDocument } from './seed-schema.js';

// `--seed demo`: a world that exercises what real organizations throw at a client. A project name with spaces, an
// empty and a disabled repository, a submodule, a long history, pull requests in every state, a reader limited to
// one project, PATs of narrow, full and expired scope, a service principal outside the organization, and Server
// collections new and too old.

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** Fixed, so the outsider principal below is in fabrikam's tenant and is refused for not being added (TF401444). */
const FABRIKAM_TENANT = '3c5a1f0e-7b2d-4e8a-9f61-2d4b8c7e0a15';

const readme = (title: string, body: string): string => `# ${title}\n\n${body}\n`;

export function demoSeed(): SeedDocument {
  return {
    organizations: [
      {
        name: 'fabrikam',
        tenantId: FABRIKAM_TENANT,
        projects: [
          {
            name: 'Fabrikam Fiber',
            description: 'The customer-facing web site.',
            repositories: [
              {
                name: 'web',
                commits: [
                  {
                    message: 'Initial commit',
                    files: {
                      '/README.md': readme('Fabrikam Fiber web', 'The storefront of Fabrikam Fiber.'),
                      '/src/index.html': '<!doctype html>\n<title>Fabrikam Fiber</title>\n<h1>Welcome</h1>\n',
                      '/package.json': '{\n  "name": "fabrikam-web",\n  "version": "1.0.0"\n}\n',
                    },
                  },
                  { message: 'Add the contact page', files: { '/src/contact.html': '<h1>Contact us</h1>\n' } },
                  {
                    message: 'Describe how to build',
                    files: { '/README.md': readme('Fabrikam Fiber web', 'The storefront of Fabrikam Fiber.\n\nRun `npm start` to serve it.') },
                  },
                ],
                branches: [
                  { name: 'feature/login', commits: [{ message: 'Add a login form', files: { '/src/login.html': '<form><input name="user"></form>\n' } }] },
                  {
                    name: 'feature/search',
                    commits: [
                      { message: 'Add a search box', files: { '/src/search.html': '<input type="search">\n' } },
                      { message: 'Link search from the home page', files: { '/src/index.html': '<!doctype html>\n<title>Fabrikam Fiber</title>\n<h1>Welcome</h1>\n<a href="search.html">Search</a>\n' } },
                    ],
                  },
                  { name: 'experiment/dark-theme', commits: [{ message: 'Try a dark theme', files: { '/src/theme.css': 'body { background: #111; color: #eee; }\n' } }] },
                ],
                pullRequests: [
                  { source: 'feature/login', title: 'Add a login form', description: 'Users can sign in from the header.', createdBy: ALICE },
                  { source: 'feature/search', title: 'Add search', status: 'completed', createdBy: ALICE },
                  { source: 'experiment/dark-theme', title: 'Dark theme (experiment)', status: 'abandoned', createdBy: ALICE },
                ],
              },
              { name: 'empty-repo' },
              {
                name: 'legacy',
                disabled: true,
                commits: [{ message: 'Last commit before the move to web', files: { '/README.md': readme('Legacy site', 'Replaced by the web repository.') } }],
              },
            ],
          },
          {
            name: 'Platform',
            repositories: [
              {
                name: 'shared-lib',
                commits: [
                  { message: 'Create the shared library', files: { '/README.md': readme('shared-lib', 'Code shared by Fabrikam apps.'), '/src/strings.ts': 'export const trim = (s: string) => s.trim();\n' } },
                  { message: 'Add a date helper', files: { '/src/dates.ts': 'export const today = () => new Date().toISOString().slice(0, 10);\n' } },
                ],
              },
              {
                name: 'app-with-submodule',
                commits: [{ message: 'Start the app', files: { '/README.md': readme('App', 'Uses shared-lib as a submodule in lib/shared.'), '/src/main.ts': "import '../lib/shared/src/strings';\n" } }],
                submodules: [{ path: 'lib/shared', repository: 'shared-lib' }],
              },
              { name: 'monorepo', generate: { commits: 3000 } },
            ],
          },
          {
            name: 'Mobile',
            description: 'Phone apps; work happens on develop.',
            repositories: [
              {
                name: 'ios-app',
                defaultBranch: 'develop',
                commits: [{ message: 'Create the iOS app', files: { '/README.md': readme('iOS app', 'Built with Xcode.'), '/App/AppDelegate.swift': 'import UIKit\n' } }],
              },
            ],
          },
        ],
      },
      {
        name: 'contoso',
        projects: [
          {
            name: 'Website',
            repositories: [{ name: 'website', commits: [{ message: 'Initial commit', files: { '/index.html': '<h1>Contoso</h1>\n' } }] }],
          },
        ],
      },
    ],
    collections: [
      {
        name: 'DefaultCollection',
        serverVersion: '2022.1',
        projects: [
          {
            name: 'Intranet',
            repositories: [{ name: 'portal', commits: [{ message: 'Initial commit', files: { '/README.md': readme('Intranet portal', 'Hosted on Azure DevOps Server.') } }] }],
          },
        ],
      },
      {
        name: 'OldCollection',
        serverVersion: '2020',
        projects: [
          {
            name: 'Archive',
            // Empty: what matters here is the server version, and every repository with history costs startup time.
            repositories: [{ name: 'tools' }],
          },
        ],
      },
    ],
    users: [
      {
        name: ALICE,
        displayName: 'Alice Anders',
        memberOf: ['fabrikam', 'contoso', 'DefaultCollection', 'OldCollection'],
        pats: [
          { name: 'code-read', scope: 'vso.code', organizations: ['fabrikam'] },
          { name: 'expired', scope: 'vso.code', organizations: ['fabrikam'], expired: true },
        ],
      },
      {
        name: BOB,
        displayName: 'Bob Brown',
        readerOf: [{ organization: 'fabrikam', project: 'Fabrikam Fiber' }],
        pats: [{ name: 'project-read', scope: 'vso.project', organizations: ['fabrikam'] }],
      },
    ],
    servicePrincipals: [
      { displayName: 'fabrikam-ci', memberOf: ['fabrikam'] },
      { displayName: 'not-added-app', tenantId: FABRIKAM_TENANT },
    ],
  };
}
