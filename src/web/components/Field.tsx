// A labelled form control with its description and, beside it, the service's error for that field (message + hint).
import { useId, type ReactNode } from 'react';
import type { FieldError } from '../api/client.js';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

export function Field(props: {
  label: ReactNode;
  error?: FieldError | undefined;
  description?: ReactNode;
  optional?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const descriptionId = `${id}-description`;
  const errorId = `${id}-error`;
  const describedBy = [props.description ? descriptionId : '', props.error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id}>
        {props.label}
        {props.optional ? <span className="optional"> (optional)</span> : null}
      </label>
      {props.description ? (
        <p className="field-description" id={descriptionId}>
          {props.description}
        </p>
      ) : null}
      {props.children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(props.error ? { 'aria-invalid': true as const } : {}) })}
      {props.error ? <FieldErrorText id={errorId} error={props.error} /> : null}
    </div>
  );
}

export function FieldErrorText({ id, error }: { id?: string; error: FieldError }) {
  return (
    <p className="field-error" id={id}>
      <span className="field-error-message">
        <span aria-hidden="true">⚠ </span>
        {error.message}
      </span>
      {error.hint ? <span className="field-error-hint"> {error.hint}</span> : null}
    </p>
  );
}
