import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatorControl } from '../control/simulator-control.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { ReadyUser } from '../start-simulator.js';
import type { SimulatorState, User } from '../state/model.js';
import { seedPullRequests } from './seed-pull-requests.js';
import { FULL_PAT_NAME, referenceProblems } from './seed-references.js';
import { seedHistories, type PendingRepository } from './seed-repositories.js';
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
 * Builds the seed's world in a new state directory and returns the credentials it made (PATs are shown only
 * once, so the caller keeps them). A document with mistakes creates nothing: they are all reported together
 * first. A failure while building (a pull request that conflicts) puts the directory back as it was.
 */
export async function applySeed(control: SimulatorControl, seed: SeedDocument, o: { dataDir: string }): Promise<SeedCredentials> {
  const problems = [...schemaProblems(seed), ...referenceProblems(seed), ...(await directoryProblems(seed))];
  if (problems.length > 0) throw new SeedError(problems);
  // Seeds record histories as pushes and open pull requests below the control surface.
  const ctx = control.context;
  const before = JSON.stringify(ctx.store.state);
  const keys = new Map<string, Promise<SeedSshKey>>();
  try {
    return await build(control, ctx, seed, keys, o.dataDir);
  } catch (error) {
    await rollBack(ctx, before, keys);
    throw error;
  }
}

/** The state as it was, without the repositories and key files the seed made, so the directory can be seeded again. */
async function rollBack(ctx: SimulatorContext, before: string, keys: Map<string, Promise<SeedSshKey>>): Promise<void> {
  const previous = JSON.parse(before) as SimulatorState;
  const dirs = (state: SimulatorState): string[] => state.hosts.flatMap((h) => h.projects.flatMap((p) => p.repositories.map((r) => r.dir)));
  const kept = new Set(dirs(previous));
  const made = dirs(ctx.store.state).filter((d) => !kept.has(d));
  await ctx.store.mutate((state) => Object.assign(state, previous));
  const files = (await Promise.allSettled(keys.values())).flatMap((k) => (k.status === 'fulfilled' ? [k.value.privateKeyPath, `${k.value.privateKeyPath}.pub`] : []));
  await Promise.all([...made.map((d) => path.join(ctx.store.reposDir(), d)), ...files].map((p) => rm(p, { recursive: true, force: true })));
}

async function build(
  control: SimulatorControl,
  ctx: SimulatorContext,
  seed: SeedDocument,
  keys: Map<string, Promise<SeedSshKey>>,
  dataDir: string,
): Promise<SeedCredentials> {
  const seedUsers = seed.users ?? [];

  // Key generation is the slowest step; it runs on the libuv pool while git builds the repositories.
  for (const u of seedUsers) {
    if (u.sshKey === false) continue;
    const key = createSeedSshKey(path.join(dataDir, 'keys'), u.name);
    key.catch(() => undefined);
    keys.set(u.name, key);
  }

  const hosts = [
    ...(seed.organizations ?? []).map((h, i) => ({ spec: h as SeedHost, path: `organizations[${i}]`, kind: 'services' as const })),
    ...(seed.collections ?? []).map((h, i) => ({ spec: h as SeedHost, path: `collections[${i}]`, kind: 'server' as const })),
  ];
  await all(hosts.map((h) => step(h.path, () => createHost(control, h.spec, h.kind))));

  // What depends only on the hosts runs together: each phase that overlaps another saves the state once for both.
  const projects = all(
    hosts.flatMap(({ spec, path: at }) =>
      (spec.projects ?? []).map((p, j) =>
        step(`${at}.projects[${j}]`, () =>
          control.createProject(spec.name, {
            name: p.name,
            ...(p.description !== undefined ? { description: p.description } : {}),
            ...(p.visibility !== undefined ? { visibility: p.visibility } : {}),
          }),
        ),
      ),
    ),
  );
  const users = all(
    seedUsers.map((u, i) =>
      step(`users[${i}]`, () => control.createUser({ uniqueName: u.name, ...(u.displayName ? { displayName: u.displayName } : {}), hosts: u.memberOf ?? [] }), {
        uniqueName: 'name',
        hosts: 'memberOf',
      }),
    ),
  );
  const principals = all(
    (seed.servicePrincipals ?? []).map((sp, i) =>
      step(
        `servicePrincipals[${i}]`,
        () => control.createServicePrincipal({ displayName: sp.displayName, hosts: sp.memberOf ?? [], ...(sp.tenantId ? { tenantId: sp.tenantId } : {}) }),
        { hosts: 'memberOf' },
      ),
    ),
  );
  await all<unknown>([projects, users, principals]);
  const created = await users;

  const readers = all(
    seedUsers.flatMap((u, i) =>
      (u.readerOf ?? []).map((r, j) =>
        step(`users[${i}].readerOf[${j}]`, () => control.addMember((r.organization ?? r.collection) as string, created[i]!.id, { project: r.project })),
      ),
    ),
  );
  const credentials = all(seedUsers.map((u, i) => userCredentials(control, `users[${i}]`, u, created[i]!, keys.get(u.name))));
  const pusherFor = (host: string): User | undefined => {
    const index = seedUsers.findIndex((u) => (u.memberOf ?? []).some((m) => m.toLowerCase() === host.toLowerCase()));
    return created[index >= 0 ? index : 0];
  };
  const pending = createRepositories(control, hosts, pusherFor);
  const authors = created.map((u) => ({ name: u.displayName, email: u.uniqueName, date: new Date() }));
  const histories = seedHistories(ctx, pending, authors);
  // Pull request ids count per host, so each host's are opened one at a time in seed order, each repository's as
  // soon as its history is written; a history that failed has reported why already.
  const userNamed = (name: string): User | undefined => created[seedUsers.findIndex((u) => u.name.toLowerCase() === name.toLowerCase())];
  const pullRequests = hosts.map(async ({ spec }) => {
    for (const [i, r] of pending.entries()) {
      if (r.host !== spec.name || !r.spec.pullRequests?.length) continue;
      const seeded = await histories[i]!.catch(() => undefined);
      if (seeded) await seedPullRequests(ctx, [seeded], userNamed);
    }
  });
  const content = all<unknown>([...histories, ...pullRequests]);
  await all<unknown>([readers, credentials, content]);

  return {
    users: await credentials,
    servicePrincipals: (await principals).map(({ principal, clientSecret }) => ({
      displayName: principal.displayName,
      tenantId: principal.tenantId,
      clientId: principal.appId,
      clientSecret,
      objectId: principal.id,
    })),
  };
}

async function createHost(control: SimulatorControl, spec: SeedHost, kind: 'services' | 'server'): Promise<void> {
  const host = await control.createHost({
    kind,
    name: spec.name,
    ...('tenantId' in spec && spec.tenantId !== undefined ? { tenantId: spec.tenantId } : {}),
    ...('serverVersion' in spec && spec.serverVersion !== undefined ? { serverVersion: spec.serverVersion } : {}),
    ...('publicUrl' in spec && spec.publicUrl !== undefined ? { publicUrl: spec.publicUrl } : {}),
  });
  if ('policies' in spec && spec.policies) await control.setPolicies(host.name, spec.policies);
}

/** All at once: listings sort by name, so the order they land in the state does not show. */
function createRepositories(
  control: SimulatorControl,
  hosts: Array<{ spec: SeedHost; path: string }>,
  pusherFor: (host: string) => User | undefined,
): PendingRepository[] {
  return hosts.flatMap(({ spec, path: at }) =>
    (spec.projects ?? []).flatMap((p, j) =>
      (p.repositories ?? []).map((r, k): PendingRepository => {
        const repoPath = `${at}.projects[${j}].repositories[${k}]`;
        const created = step(repoPath, async () => {
          const repository = await control.createRepository(spec.name, p.name, {
            name: r.name,
            isDisabled: r.disabled === true,
            ...(r.fromDirectory !== undefined ? { fromDirectory: path.resolve(r.fromDirectory) } : {}),
            ...(r.defaultBranch !== undefined ? { defaultBranch: r.defaultBranch } : {}),
          });
          const pusher = pusherFor(spec.name);
          return pusher && { path: repoPath, host: spec.name, project: p.name, spec: r, repository, pusher };
        });
        // Awaited through the history that follows it, which reports the failure.
        created.catch(() => undefined);
        return { path: repoPath, host: spec.name, project: p.name, spec: r, created };
      }),
    ),
  );
}

/** The full-access PAT every seeded user gets, the PATs the seed lists, and the SSH key. */
async function userCredentials(control: SimulatorControl, at: string, spec: SeedUser, user: User, key: Promise<SeedSshKey> | undefined): Promise<ReadyUser> {
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
      step(j === 0 ? at : `${at}.pats[${j - 1}]`, async () => {
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
  const ssh = key
    ? await step(at, async () => {
        const { privateKeyPath, publicKey } = await key;
        await control.addSshKey({ user: user.id, publicKey, displayName: 'seed key' });
        return { sshPrivateKeyPath: privateKeyPath, sshPublicKey: publicKey };
      })
    : {};
  return { name: user.uniqueName, displayName: user.displayName, id: user.id, pat: pats[0]!.token, pats, ...ssh };
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
