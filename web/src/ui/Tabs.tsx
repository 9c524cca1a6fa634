// Tabs whose active id the page keeps (usually in the URL).
export interface Tab {
  id: string;
  label: string;
}

export function Tabs({ tabs, active, onChange, testId = 'tabs' }: { tabs: Tab[]; active: string; onChange: (id: string) => void; testId?: string }) {
  return (
    <div className="tabs" role="tablist" data-testid={testId}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === active}
          className={tab.id === active ? 'tab active' : 'tab'}
          data-testid={`${testId}-${tab.id}`}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
