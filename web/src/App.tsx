// The shell: header with navigation and connection state, and the route table.
import { useApi } from './api/useApi.ts';
import { useUnreachableSince } from './api/connectivity.ts';
import { ComparePage } from './compare/ComparePage.tsx';
import { useLiveState } from './live/useServerEvents.ts';
import { ModelsPage } from './models/ModelsPage.tsx';
import { Link, useRoute } from './router.ts';
import { RunPage } from './run/RunPage.tsx';
import { RunsPage } from './runs/RunsPage.tsx';
import { lastViewOf } from './data/lastView.ts';
import { MirrorBadge, MirrorBanner } from './mirror/MirrorBadge.tsx';
import { ValidatePage } from './validate/ValidatePage.tsx';
import { ValidationsPage } from './validations/ValidationsPage.tsx';

const NAV: { label: string; path: string; match: (path: string) => boolean }[] = [
  { label: 'Runs', path: '/runs', match: (p) => p === '/' || p === '/runs' },
  { label: 'Compare', path: '/compare', match: (p) => p === '/compare' },
  { label: 'Models', path: '/models', match: (p) => p.startsWith('/models') },
  { label: 'Validate', path: '/validate', match: (p) => p === '/validate' || p.startsWith('/jobs/') },
  { label: 'Validations', path: '/validations', match: (p) => p === '/validations' },
];

function segment(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length).replace(/\/$/, '');
  return rest && !rest.includes('/') ? decodeURIComponent(rest) : undefined;
}

function Page({ path }: { path: string }) {
  if (path === '/' || path === '/runs') return <RunsPage />;
  if (path === '/compare') return <ComparePage />;
  if (path === '/models') return <ModelsPage />;
  if (path === '/validate') return <ValidatePage />;
  if (path === '/validations') return <ValidationsPage />;
  const runId = segment(path, '/runs/');
  if (runId) return <RunPage key={runId} runId={runId} />;
  const model = segment(path, '/models/');
  if (model) return <ModelsPage key={model} name={model} />;
  return (
    <div className="page" data-testid="not-found">
      <h2>Not found</h2>
      <p>
        No page at <code>{path}</code>. <Link to="/runs">Back to the runs</Link>.
      </p>
    </div>
  );
}

function ConnectionState() {
  const live = useLiveState();
  const unreachable = useUnreachableSince();
  if (unreachable !== null) {
    return (
      <span className="conn conn-down" data-testid="connection" data-state="unreachable">
        server unreachable — retrying
      </span>
    );
  }
  return (
    <span className={`conn conn-${live}`} data-testid="connection" data-state={live} title="live updates from the server">
      {live === 'live' ? 'live' : live === 'connecting' ? 'connecting…' : 'reconnecting…'}
    </span>
  );
}

function ServerVersion() {
  const { data } = useApi(async (signal) => {
    const response = await fetch('/version', { signal });
    return response.ok ? (await response.text()).slice(0, 40) : '';
  }, []);
  return data ? <span className="muted">mlflow-compatible {data}</span> : null;
}

export function App() {
  const { path } = useRoute();
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/runs" className="brand">
          pixal
        </Link>
        <nav>
          {NAV.map((item) => (
            <Link key={item.path} to={lastViewOf(item.path)} className={item.match(path) ? 'nav-link active' : 'nav-link'} data-testid={`nav-${item.label.toLowerCase()}`}>
              {item.label}
            </Link>
          ))}
        </nav>
        <span className="spacer" />
        <MirrorBadge />
        <ServerVersion />
        <ConnectionState />
      </header>
      <MirrorBanner />
      <main className="app-main">
        <Page path={path} />
      </main>
    </div>
  );
}
