// A Server connection's SSH port gets a column of its own. Until now it travelled inside credential_public under
// `sshPort`, a setting of the connection mixed into the public facts of its credential.
import type { Kysely } from 'kysely';

/** The key the port was kept under; frozen here, whatever later code calls it. */
const SSH_PORT_KEY = 'sshPort';

// credential_public is JSON text, and SQLite and PostgreSQL share no function to edit it, so the few rows that hold
// a port are rewritten here. Neither version nor updated_at moves: the connection means what it meant before.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('ssh_port', 'integer').execute();
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'credential_public'])
    // Narrows the read only: the JSON is parsed below, and a key found in some value is left alone.
    .where('credential_public', 'like', `%"${SSH_PORT_KEY}"%`)
    .$castTo<{ id: string; credential_public: string }>()
    .execute();
  for (const row of rows) {
    const stored = JSON.parse(row.credential_public) as Record<string, unknown>;
    if (!Object.hasOwn(stored, SSH_PORT_KEY)) continue;
    // Readers dropped the key whatever it held and used it only when it was a number: the column keeps the same.
    const { [SSH_PORT_KEY]: port, ...rest } = stored;
    await db
      .updateTable('connections')
      .set({
        ssh_port: typeof port === 'number' && Number.isInteger(port) ? port : null,
        credential_public: JSON.stringify(rest),
      })
      .where('id', '=', row.id)
      .execute();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'credential_public', 'ssh_port'])
    .where('ssh_port', 'is not', null)
    .$castTo<{ id: string; credential_public: string; ssh_port: number | string }>()
    .execute();
  for (const row of rows) {
    const stored = JSON.parse(row.credential_public) as Record<string, unknown>;
    await db
      .updateTable('connections')
      .set({ credential_public: JSON.stringify({ ...stored, [SSH_PORT_KEY]: Number(row.ssh_port) }) })
      .where('id', '=', row.id)
      .execute();
  }
  await db.schema.alterTable('connections').dropColumn('ssh_port').execute();
}
