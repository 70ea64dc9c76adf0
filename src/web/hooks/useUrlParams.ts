// The page's filters in its address (?state=, ?tab=, ?hidden=1 …), so a reload or a link shows the same view. The
// router changes the address in a transition, which would leave a checkbox or a select showing its old value for a
// moment after a click; so what the page shows changes at once, and follows the address whenever that moves on its
// own (back, forward, a link).
import { useState } from 'react';
import { useSearchParams } from 'react-router';

/** Changes to make: a value sets the parameter, null or '' removes it. */
export type UrlParamChanges = Record<string, string | null>;

export function useUrlParams(): [params: URLSearchParams, change: (changes: UrlParamChanges) => void] {
  const [address, setAddress] = useSearchParams();
  const [shown, setShown] = useState(address);
  const [followed, setFollowed] = useState(address.toString());
  if (followed !== address.toString()) {
    setFollowed(address.toString());
    setShown(address);
  }
  const change = (changes: UrlParamChanges) => {
    const next = new URLSearchParams(shown);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    }
    setShown(next);
    setAddress(next, { replace: true });
  };
  return [shown, change];
}
