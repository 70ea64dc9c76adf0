// The web UI: server state through TanStack Query, pages through React Router. A 401 anywhere (the session ended)
// sends the user to sign in again; other errors are shown where they happened.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router/dom';
import { ApiProblem } from '../api/client.js';
import { createRouter } from './routes.js';
import { isUnauthenticated, SESSION_KEY } from './session.js';

function createQueryClient(): QueryClient {
  // The session query itself decides what to do (RequireSession redirects); any other 401 makes it look again.
  const onError = (error: unknown) => {
    if (isUnauthenticated(error)) void client.invalidateQueries({ queryKey: SESSION_KEY });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => (query.queryKey[0] === SESSION_KEY[0] ? undefined : onError(error)) }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not change by asking again; a network hiccup or a 5xx may.
        retry: (count, error) => !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
  return client;
}

const queryClient = createQueryClient();
const router = createRouter();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
