import { useStudio } from '../state/studio-store';

/** Recently opened projects; one click opens one (folders that no longer exist are shown, disabled). */
export function RecentProjects({ title, limit }: { title: string; limit?: number }) {
  const recent = useStudio((s) => s.recent);
  const busy = useStudio((s) => s.busy);
  const openProject = useStudio((s) => s.openProject);
  if (recent.length === 0) return null;
  return (
    <div className="recent">
      <div className="section-label">{title}</div>
      <ul>
        {recent.slice(0, limit ?? recent.length).map((r) => (
          <li key={r.dir}>
            <button type="button" disabled={!r.exists || busy} onClick={() => void openProject(r.dir)} title={r.dir}>
              <span className="recent-name">{r.name}</span>
              <span className="recent-dir">{r.exists ? r.dir : `${r.dir} (missing)`}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
