/** "<shot name> take N": the shot name gives way (ellipsis) before the take number does. */
export function TakeName({ name }: { name: string }) {
  const m = /^(.*\S)\s+(take \d+)$/.exec(name);
  return (
    <span className="take-name" title={name}>
      <span className="take-name-head">{m ? m[1] : name}</span>
      {/* The space keeps the text whole for copy and screen readers; flex drops it from the layout (gap spaces it). */}
      {m ? ' ' : null}
      {m ? <span className="take-name-tail">{m[2]}</span> : null}
    </span>
  );
}
