// A uPlot chart that follows its container's width and takes new data without re-creating.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

function clockLabel(seconds: number): string {
  const d = new Date(seconds * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export interface ChartProps {
  title: string
  series: { label: string; stroke: string; fill?: string }[]
  data: uPlot.AlignedData
  height?: number
  yLabel?: string
}

export function Chart({ title, series, data, height = 220, yLabel }: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | undefined>(undefined)
  const key = series.map((s) => s.label).join('|')

  useEffect(() => {
    const el = box.current
    if (!el) return
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 280),
      height,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        // One short clock label per tick: uPlot's default two-line date labels crowd a narrow card.
        { space: 70, values: (_u, ticks) => ticks.map((t) => clockLabel(t)) },
        { label: yLabel, size: 50 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          fill: s.fill,
          points: { show: false },
        })),
      ],
    }
    const chart = new uPlot(opts, data, el)
    plot.current = chart
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 280), height }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      chart.destroy()
      plot.current = undefined
    }
    // Data changes go through setData below; only the series shape re-creates the chart.
  }, [key, height])

  useEffect(() => {
    plot.current?.setData(data)
  }, [data])

  return <div class="chart" ref={box} role="img" aria-label={title} />
}
