// "Are you sure?" before something that cannot be undone: what happens, Cancel, and the danger button (disabled
// while it runs, or until the dialog is ready), with the service's error if it failed.
import type { ReactNode } from 'react';
import { Dialog } from './Dialog.js';
import { ProblemAlert } from './ProblemAlert.js';

export function ConfirmDialog(props: {
  title: string;
  /** The danger button's words, and while it runs. */
  confirm: string;
  pending: string;
  action: { isPending: boolean; error: unknown; mutate: () => void };
  onClose: () => void;
  /** The danger button submits this form (in the dialog's body) instead of running the action itself. */
  form?: string;
  /** False keeps the danger button disabled (e.g. until the name is typed). */
  ready?: boolean;
  children: ReactNode;
}) {
  const { action, onClose, form, ready = true } = props;
  return (
    <Dialog
      title={props.title}
      role="alertdialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type={form ? 'submit' : 'button'}
            className="btn btn-danger"
            disabled={!ready || action.isPending}
            {...(form ? { form } : { onClick: () => action.mutate() })}
          >
            {action.isPending ? props.pending : props.confirm}
          </button>
        </>
      }
    >
      {props.children}
      <ProblemAlert error={action.error} />
    </Dialog>
  );
}
