// A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert (focus stays inside),
// Escape closes it, and focus returns to the button that opened it. Mount it to open it; onClose unmounts it.
import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: { title: ReactNode; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean; role?: 'dialog' | 'alertdialog' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { onClose } = props;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // Closing before React removes it lets the browser give focus back to what opened it.
    return () => dialog.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog${props.wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      {...(props.role === 'alertdialog' ? { role: 'alertdialog' } : {})}
      onCancel={(event) => {
        // Escape: let React decide (it unmounts the dialog), rather than the browser closing it behind React's back.
        event.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="btn btn-ghost btn-icon" aria-label="Close" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="dialog-body">{props.children}</div>
      {props.footer ? <div className="dialog-footer">{props.footer}</div> : null}
    </dialog>
  );
}
