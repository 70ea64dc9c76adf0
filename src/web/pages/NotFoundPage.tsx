import { Link } from 'react-router';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <div className="page">
      <PageHeader title="Page not found" subtitle="There is no page at this address." />
      <p>
        <Link to="/connections">Go to your connections</Link>
      </p>
    </div>
  );
}
