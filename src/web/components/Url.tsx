// A URL that may wrap on a narrow screen: after its slashes (and after ?, & and #), never in the middle of a name.
import { Fragment } from 'react';

export function Url({ value }: { value: string }) {
  // "https://dev.azure.com/fabrikam" → "https://", "dev.azure.com/", "fabrikam": a break may follow each part.
  const parts = value.match(/[^/?&#]*(?:\/+|[?&#]?)/g)?.filter(Boolean) ?? [value];
  return (
    <span className="url">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </span>
  );
}
