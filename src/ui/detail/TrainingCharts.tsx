/** What training measured: accuracy before and after quantization, curves per epoch, and each layer's input spike rate. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainingView } from '../../core/files/architecture.ts';
import type { CostReport } from '../../core/cost/report.ts';
import './detail.css';

const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  itemStyle: { padding: 0 },
};

const percent = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');

export function TrainingCharts({ training, report }: { training: TrainingView; report: CostReport }) {
  const curves = training.epochs.map((e) => ({
    epoch: e.epoch,
    loss: Number.isFinite(e.loss) ? e.loss : null,
    train: Number.isFinite(e.trainAccuracy) ? e.trainAccuracy : null,
    test: Number.isFinite(e.testAccuracy) ? e.testAccuracy : null,
  }));
  const rates = report.layers.map((l, i) => ({ name: l.name, rate: training.spikeRates[i] ?? null }));
  const ratesMatch = training.spikeRates.length === report.layers.length;
  const last = training.epochs[training.epochs.length - 1];
  return (
    <div className="training" data-testid="training">
      <dl className="kpis compact">
        <div>
          <dt>Accuracy, float</dt>
          <dd data-testid="accuracy-float">{percent(training.accuracyFloat)}</dd>
        </div>
        <div>
          <dt>Accuracy, quantized</dt>
          <dd data-testid="accuracy-quantized">{percent(training.accuracyQuantized)}</dd>
        </div>
        <div>
          <dt>Epochs</dt>
          <dd>{training.epochs.length}</dd>
        </div>
        <div>
          <dt>Last loss</dt>
          <dd>{last && Number.isFinite(last.loss) ? last.loss.toFixed(3) : '–'}</dd>
        </div>
      </dl>
      <div className="training-charts">
        <figure className="detail-chart" data-testid="chart-training-curves">
          <figcaption>Loss and accuracy per epoch</figcaption>
          <div style={{ height: 220 }} role="img" aria-label={`Training over ${training.epochs.length} epochs: test accuracy ${last ? percent(last.testAccuracy) : '–'} after the last.`}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={curves} margin={{ top: 8, right: 8, bottom: 4, left: 4 }}>
                <CartesianGrid className="grid" />
                <XAxis dataKey="epoch" className="axis" label={{ value: 'epoch', position: 'insideBottomRight', offset: -2, className: 'axis-title' }} />
                <YAxis yAxisId="loss" className="axis" width={44} tickFormatter={(v: number) => v.toFixed(2)} />
                <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} className="axis" width={44} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
                <Tooltip {...TOOLTIP_STYLE} formatter={(v, name) => [name === 'Loss' ? Number(v).toFixed(4) : percent(Number(v)), name]} labelFormatter={(e) => `Epoch ${e}`} />
                <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} />
                <Line yAxisId="loss" dataKey="loss" name="Loss" stroke="#e15759" dot={false} strokeWidth={2} isAnimationActive={false} />
                <Line yAxisId="acc" dataKey="train" name="Train accuracy" stroke="#4e79a7" dot={false} strokeWidth={2} isAnimationActive={false} />
                <Line yAxisId="acc" dataKey="test" name="Test accuracy" stroke="#59a14f" dot={false} strokeWidth={2} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
        <figure className="detail-chart" data-testid="chart-spike-rates">
          <figcaption>Input spike rate per layer{ratesMatch ? '' : ` (${training.spikeRates.length} rates for ${report.layers.length} layers: not used for energy)`}</figcaption>
          <div style={{ height: Math.max(140, rates.length * 20 + 40) }} role="img" aria-label="Input spike rate of each layer; the layer table lists them.">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={rates} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }} barCategoryGap={3}>
                <CartesianGrid horizontal={false} className="grid" />
                <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} className="axis" />
                <YAxis type="category" dataKey="name" width={84} interval={0} className="axis" tick={{ fontSize: 11 }} />
                <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: 'var(--accent-soft)', opacity: 0.5 }} formatter={(v) => [percent(Number(v)), 'Spike rate']} />
                <Bar dataKey="rate" name="Spike rate" fill="#f28e2b" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
      </div>
    </div>
  );
}
