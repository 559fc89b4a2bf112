import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Stats } from '../stats';

/** Views and visitors per day, with the period before as a dotted line behind them. */
export function ViewsChart({ stats }: { stats: Stats }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const x = stats.days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000);
    const data: uPlot.AlignedData = [
      x,
      stats.previous_days.map((day) => day.views),
      stats.days.map((day) => day.views),
      stats.days.map((day) => day.uniques),
    ];
    const styles = getComputedStyle(document.documentElement);
    const accent = styles.getPropertyValue('--accent').trim() || '#4f46e5';
    const options: uPlot.Options = {
      width: element.clientWidth,
      height: 260,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_, min, max) => [0, Math.max(4, max * 1.1 || 0, min)] } },
      axes: [{}, { size: 48 }],
      series: [
        { label: 'Day' },
        { label: 'Previous period', stroke: '#9aa0ae', dash: [4, 4], width: 1.5, points: { show: false } },
        { label: 'Views', stroke: accent, width: 2.5, fill: `${accent}22` },
        { label: 'Visitors', stroke: '#0f9d77', width: 2 },
      ],
    };
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [stats]);

  return <div ref={box} className="views-chart" role="img" aria-label="Views and visitors per day, with the previous period dotted" />;
}
