import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatorControl } from '../control/simulator-control.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { ReadyUser } from '../start-simulator.js';
import type { User } from '../state/model.js';
import { seedPullRequests } from './seed-pull-requests.js';
import { FULL_PAT_NAME, referenceProblems } from './seed-references.js';
import { seedHistories, type SeededRepository } from './seed-repositories.js';
import { schemaProblems, SeedError, type SeedDocument, type SeedHost, type SeedUser } from './seed-schema.js';
import { createSeedSshKey, type SeedSshKey } from './seed-ssh-keys.js';
import { all, step } from './seed-steps.js';

export { loadSeed } from './load-seed.js';
export { SeedError, type SeedDocument } from './seed-schema.js';

export interface SeedCredentials {
  users: ReadyUser[];
  servicePrincipals: Array<{ displayName: string; tenantId: string; clientId: string; clientSecret: string; objectId: string }>;
}

const DAY = 86_400_000;

/**
 * SimulatorControl keeps its context to itself; a seed needs the repository runtime behind it to record its
 * histories as pushes and to open pull requests, which the control surface does not offer.
 */
function contextOf(control: SimulatorControl): SimulatorContext {
  return (control as unknown as { ctx: SimulatorContext }).ctx;
}

/**
 * Builds the seed's world in a new state directory and returns the credentials it made (PATs are shown only
 * once, so the caller keeps them). Nothing is created when the document has a mistake: all of them are
 * reported together first.
 */
export async function applySeed(control: SimulatorControl, seed: SeedDocument, o: { dataDir: string }): Promise<SeedCredentials> {
  const problems = [...schemaProblems(seed), ...referenceProblems(seed), ...(await directoryProblems(seed))];
  if (problems.length > 0) throw new SeedError(problems);
  const T0 = performance.now(); const lap = (n: string) => console.log(n, Math.round(performance.now() - T0));
  const ctx = contextOf(control);
  const seedUsers = seed.users ?? [];

  // Key generation takes the longest of all; it runs on the libuv pool while git builds the repositories.
  const keys = new Map<string, Promise<SeedSshKey>>();
  for (const u of seedUsers) {
    if (u.sshKey === false) continue;
    const key = createSeedSshKey(path.join(o.dataDir, 'keys'), u.name);
    key.catch(() => undefined);
    keys.set(u.name, key);
  }

  const hosts = [
    ...(seed.organizations ?? []).map((h, i) => ({ spec: h as SeedHost, path: `organizations[${i}]`, kind: 'services' as const })),
    ...(seed.collections ?? []).map((h, i) => ({ spec: h as SeedHost, path: `collections[${i}]`, kind: 'server' as const })),
  ];
  await all(
    hosts.map(({ spec, path: at, kind }) =>
      step(at, async () => {
        const created = await control.createHost({
          kind,
          name: spec.name,
          ...('tenantId' in spec && spec.tenantId !== undefined ? { tenantId: spec.tenantId } : {}),
          ...('serverVersion' in spec && spec.serverVersion !== undefined ? { serverVersion: spec.serverVersion } : {}),
          ...('publicUrl' in spec && spec.publicUrl !== undefined ? { publicUrl: spec.publicUrl } : {}),
        });
        if ('policies' in spec && spec.policies) await control.setPolicies(created.name, spec.policies);
      }),
    ),
  );
  lap('hosts');
  await all(
    hosts.flatMap(({ spec, path: at }) =>
      (spec.projects ?? []).map((p, j) => step(`${at}.projects[${j}]`, () =>
          control.createProject(spec.name, {
            name: p.name,
            ...(p.description !== undefined ? { description: p.description } : {}),
            ...(p.visibility !== undefined ? { visibility: p.visibility } : {}),
          }),
        )),
    ),
  );

  lap('projects');
  const users = await all(
    seedUsers.map((u, i) =>
      step(`users[${i}]`, () => control.createUser({ uniqueName: u.name, ...(u.displayName ? { displayName: u.displayName } : {}), hosts: u.memberOf ?? [] }), {
        uniqueName: 'name',
        hosts: 'memberOf',
      }),
    ),
  );
  const principals = await all(
    (seed.servicePrincipals ?? []).map((sp, i) =>
      step(`servicePrincipals[${i}]`, () => control.createServicePrincipal({ displayName: sp.displayName, hosts: sp.memberOf ?? [], ...(sp.tenantId ? { tenantId: sp.tenantId } : {}) }), { hosts: 'memberOf' }),
    ),
  );
  await all(
    seedUsers.flatMap((u, i) =>
      (u.readerOf ?? []).map((r, j) =>
        step(`users[${i}].readerOf[${j}]`, () => control.addMember((r.organization ?? r.collection) as string, users[i]!.id, { project: r.project })),
      ),
    ),
  );

  lap('users');
  // Repositories are created in seed order within a project (so listings match the seed), projects in parallel.
  const pusherFor = (host: string): User | undefined => {
    const index = seedUsers.findIndex((u) => (u.memberOf ?? []).some((m) => m.toLowerCase() === host.toLowerCase()));
    return users[index >= 0 ? index : 0];
  };
  const seeded = (
    await all(
      hosts.flatMap(({ spec, path: at }) =>
        (spec.projects ?? []).map((p, j) =>
          step(`${at}.projects[${j}]`, async () => {
            const made: SeededRepository[] = [];
            for (const [k, r] of (p.repositories ?? []).entries()) {
              const repoPath = `${at}.projects[${j}].repositories[${k}]`;
              const repository = await step(repoPath, () =>
                control.createRepository(spec.name, p.name, {
                  name: r.name,
                  isDisabled: r.disabled === true,
                  ...(r.fromDirectory !== undefined ? { fromDirectory: path.resolve(r.fromDirectory) } : {}),
                  ...(r.defaultBranch !== undefined ? { defaultBranch: r.defaultBranch } : {}),
                }),
              );
              const pusher = pusherFor(spec.name);
              if (pusher) made.push({ path: repoPath, host: spec.name, project: p.name, spec: r, repository, pusher });
            }
            return made;
          }),
        ),
      ),
    )
  ).flat();
  lap('repos');
  const authors = users.map((u) => ({ name: u.displayName, email: u.uniqueName, date: new Date() }));
  await all(await seedHistories(ctx, seeded, authors));
  lap('histories');
  await seedPullRequests(ctx, seeded, (name) => users[seedUsers.findIndex((u) => u.name.toLowerCase() === name.toLowerCase())]);

  lap('prs');
  const credentials = await all(seedUsers.map((u, i) => step(`users[${i}]`, () => userCredentials(control, u, users[i]!, keys.get(u.name)))));
  lap('creds');
  return {
    users: credentials,
    servicePrincipals: principals.map(({ principal, clientSecret }) => ({
      displayName: principal.displayName,
      tenantId: principal.tenantId,
      clientId: principal.appId,
      clientSecret,
      objectId: principal.id,
    })),
  };
}

/** The full-access PAT every seeded user gets, the PATs the seed lists, and the SSH key. */
async function userCredentials(control: SimulatorControl, spec: SeedUser, user: User, key: Promise<SeedSshKey> | undefined): Promise<ReadyUser> {
  const reachable = [...(spec.memberOf ?? []), ...(spec.readerOf ?? []).map((r) => (r.organization ?? r.collection) as string)]
    .map((h) => control.host(h).name)
    .filter((h, i, names) => names.indexOf(h) === i);
  const requests = [
    { name: FULL_PAT_NAME, scope: 'app_token', organizations: undefined as string[] | undefined, validTo: undefined as string | undefined },
    ...(spec.pats ?? []).map((p) => ({
      name: p.name,
      scope: p.scope ?? 'app_token',
      organizations: p.organizations,
      validTo: p.expired ? new Date(Date.now() - DAY).toISOString() : p.validTo,
    })),
  ];
  const pats = await all(
    requests.map((r, j) =>
      step(j === 0 ? 'pats' : `pats[${j - 1}]`, async () => {
        const { pat, token } = await control.createPat({
          user: user.id,
          displayName: r.name,
          scope: r.scope,
          ...(r.organizations ? { hosts: r.organizations } : {}),
          ...(r.validTo !== undefined ? { validTo: r.validTo } : {}),
        });
        const organizations = r.organizations ? r.organizations.map((h) => control.host(h).name) : reachable;
        return { name: r.name, token, scope: pat.scope, validTo: pat.validTo, organizations };
      }, { hosts: 'organizations' }),
    ),
  );
  const ready: ReadyUser = { name: user.uniqueName, displayName: user.displayName, id: user.id, pat: pats[0]!.token, pats };
  if (key) {
    const { privateKeyPath, publicKey } = await key;
    await control.addSshKey({ user: user.id, publicKey, displayName: 'seed key' });
    Object.assign(ready, { sshPrivateKeyPath: privateKeyPath, sshPublicKey: publicKey });
  }
  return ready;
}

/** Directories to import must exist before anything is created. */
async function directoryProblems(seed: SeedDocument): Promise<string[]> {
  if (typeof seed !== 'object' || seed === null) return [];
  const checks: Array<Promise<string | undefined>> = [];
  for (const [field, hosts] of [['organizations', seed.organizations], ['collections', seed.collections]] as const) {
    if (!Array.isArray(hosts)) continue;
    hosts.forEach((h, i) =>
      (Array.isArray(h?.projects) ? h.projects : []).forEach((p, j) =>
        (Array.isArray(p?.repositories) ? p.repositories : []).forEach((r, k) => {
          if (typeof r?.fromDirectory !== 'string') return;
          const at = `${field}[${i}].projects[${j}].repositories[${k}].fromDirectory`;
          checks.push(
            stat(r.fromDirectory).then(
              (s) => (s.isDirectory() ? undefined : `${at}: '${r.fromDirectory}' is not a directory`),
              () => `${at}: '${r.fromDirectory}' does not exist`,
            ),
          );
        }),
      ),
    );
  }
  return (await Promise.all(checks)).filter((p): p is string => p !== undefined);
}
