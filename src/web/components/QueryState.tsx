// What every list shows around its items: a spinner while the first answer is on its way, the error if there is one,
// what to say when there is nothing, and the list itself once it has items (a refresh that fails leaves it shown).
import type { ReactNode } from 'react';
import { Loading } from './Loading.js';
import { ProblemAlert } from './ProblemAlert.js';

export function QueryState(props: {
  query: { isPending: boolean; isSuccess: boolean; error: unknown };
  items: readonly unknown[];
  loading?: string;
  /** Shown when the answer came and holds nothing. */
  empty?: ReactNode;
  children: ReactNode;
}) {
  const { query, items } = props;
  return (
    <>
      {query.isPending ? <Loading {...(props.loading ? { label: props.loading } : {})} /> : null}
      <ProblemAlert error={query.error} />
      {query.isSuccess && items.length === 0 ? props.empty : null}
      {items.length > 0 ? props.children : null}
    </>
  );
}
