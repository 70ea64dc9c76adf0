// The small forms of Members & tokens (invite someone, create a token): a titled card with its fields in a row, the
// submit button, the service's error when no field explains it, and what came of it (shown once).
import { useId, type FormEvent, type ReactNode } from 'react';
import { fieldErrors, type FieldError } from '../../api/client.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { SubmitButton } from '../../components/SubmitButton.js';

export function InlineForm(props: {
  title: string;
  action: { isPending: boolean; error: unknown; mutate: () => void };
  submit: string;
  submitting: string;
  /** The fields; the errors the service placed on them are given to place beside each. */
  children: (errors: Record<string, FieldError>) => ReactNode;
  result?: ReactNode;
}) {
  const { action } = props;
  const headingId = useId();
  const errors = fieldErrors(action.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.mutate();
  };
  return (
    <form className="card form inline-form" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>{props.title}</h3>
      <div className="field-row">{props.children(errors)}</div>
      <SubmitButton pending={action.isPending} label={props.submit} pendingLabel={props.submitting} />
      {action.error && Object.keys(errors).length === 0 ? <ProblemAlert error={action.error} /> : null}
      {props.result}
    </form>
  );
}
