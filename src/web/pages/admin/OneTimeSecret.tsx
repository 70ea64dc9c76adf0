// Something shown once (a sign-in link, an API token): selectable, with a Copy button and a warning that it will not
// be shown again.
import { CopyButton } from '../../components/CopyButton.js';

export function OneTimeSecret({ label, value, note }: { label: string; value: string; note: string }) {
  const id = `secret-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="one-time-secret" role="status">
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input id={id} type="text" readOnly value={value} className="mono" onFocus={(e) => e.target.select()} />
        <CopyButton value={value} />
      </div>
      <p className="field-description">{note}</p>
    </div>
  );
}
