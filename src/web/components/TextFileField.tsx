// "Or read it from a file": a file picker whose file's text fills the field above it (a key, a CA bundle).
import { useId } from 'react';

export function TextFileField({ label, accept, onText }: { label: string; accept?: string; onText: (text: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        {...(accept ? { accept } : {})}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) onText(await file.text());
        }}
      />
    </div>
  );
}
