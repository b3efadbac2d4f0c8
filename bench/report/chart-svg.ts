import type { RatioCheck } from './bench-results.js';

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

/**
 * Renders the ratio checks as a horizontal bar chart: one bar per check (the measured ratio),
 * a tick at the target, green when the target is met, red when not.
 */
export function renderRatioChart(checks: readonly RatioCheck[], title: string): string {
  const rows = checks.filter((c) => c.value !== null);
  const labelWidth = 470;
  const barWidth = 380;
  const rowHeight = 22;
  const top = 48;
  const width = labelWidth + barWidth + 90;
  const height = top + rows.length * rowHeight + 36;
  const max = Math.max(2, ...rows.map((c) => Math.max(c.value ?? 0, c.target))) * 1.05;
  const x = (v: number) => labelWidth + (Math.min(v, max) / max) * barWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="38" fill="#555">nestjs-forge-streaming ÷ contender, same run (bar: measured; black tick: target)</text>`,
  ];
  for (let v = 0; v <= max; v += max > 6 ? 2 : 0.5) {
    parts.push(
      `<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 30}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${height - 16}" text-anchor="middle" fill="#777">${v}×</text>`,
    );
  }
  rows.forEach((check, i) => {
    const y = top + i * rowHeight;
    const value = check.value ?? 0;
    const colour = check.pass ? '#2e7d32' : '#c62828';
    const label = `${check.scenario}: ${check.description} (${check.metric}, ${check.comparison} ${check.target})`;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, x(value) - labelWidth)}" height="${rowHeight - 8}" fill="${colour}"/>`,
      `<line x1="${x(check.target)}" y1="${y + 1}" x2="${x(check.target)}" y2="${y + rowHeight - 1}" stroke="#000" stroke-width="2"/>`,
      `<text x="${x(value) + 4}" y="${y + 14}">${value}×</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
