/**
 * What training measured: accuracy before and after quantization, the loss and accuracy curves (per epoch, or per
 * reading where the live search took them, growing while the candidate trains), and each layer's input spike rate.
 */
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainingView } from '../../core/files/architecture.ts';
import type { TrainEpoch, TrainReading } from '../../core/search/pipeline.ts';
import type { CostReport } from '../../core/cost/report.ts';
import './detail.css';

const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  itemStyle: { padding: 0 },
};

const percent = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** Points a curve draws at most: a long training's readings are thinned evenly (recharts' cost grows with them). */
const MAX_CURVE_POINTS = 240;

interface CurvePoint {
  epoch: number;
  loss: number | null;
  train: number | null;
  test?: number | null;
}

/**
 * The curve's points: per epoch (x = the epoch, from 0), or, given readings, one per reading (x = epochs trained at
 * it) with each finished epoch's test accuracy at its end.
 */
export function curvePoints(epochs: readonly TrainEpoch[], readings: readonly TrainReading[] | null): CurvePoint[] {
  if (!readings || readings.length === 0) return epochs.map((e) => ({ epoch: e.epoch, loss: finite(e.loss), train: finite(e.trainAccuracy), test: finite(e.testAccuracy) }));
  const stride = Math.ceil(readings.length / MAX_CURVE_POINTS);
  const out: CurvePoint[] = [];
  // The last reading is always drawn: the curve's end is where training is.
  for (let i = 0; i < readings.length; i++) if (i % stride === 0 || i === readings.length - 1) out.push({ epoch: readings[i].at, loss: finite(readings[i].loss), train: finite(readings[i].accuracy) });
  for (const e of epochs) if (Number.isFinite(e.testAccuracy)) out.push({ epoch: e.epoch + 1, loss: null, train: null, test: e.testAccuracy });
  return out.sort((a, b) => a.epoch - b.epoch);
}

/** The loss and accuracy chart; `readings` (the live curve's points) make it a per-reading curve. */
export const TrainingCurve = memo(function TrainingCurve({ epochs, readings, points }: { epochs: readonly TrainEpoch[]; readings: readonly TrainReading[] | null; points: number }) {
  void points; // the readings grow in place: their count is what tells memo to redraw
  const data = curvePoints(epochs, readings);
  const live = !!readings?.length;
  const last = epochs[epochs.length - 1];
  const lastReading = readings?.[readings.length - 1];
  const label = live
    ? `Training curve over ${readings!.length} readings: loss ${lastReading!.loss.toFixed(3)}, training accuracy ${percent(lastReading!.accuracy)} at epoch ${lastReading!.at.toFixed(2)}.`
    : `Training over ${epochs.length} epochs: test accuracy ${last ? percent(last.testAccuracy) : '–'} after the last.`;
  return (
    <figure className="detail-chart" data-testid="chart-training-curves" data-points={live ? readings!.length : epochs.length}>
      <figcaption>{live ? 'Loss and accuracy as it trained' : 'Loss and accuracy per epoch'}</figcaption>
      <div style={{ height: 220 }} role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 4 }}>
            <CartesianGrid className="grid" />
            <XAxis
              dataKey="epoch"
              type={live ? 'number' : 'category'}
              domain={live ? [0, 'dataMax'] : undefined}
              tickFormatter={live ? (v: number) => String(Math.round(v * 100) / 100) : undefined}
              className="axis"
              label={{ value: 'epoch', position: 'insideBottomRight', offset: -2, className: 'axis-title' }}
            />
            <YAxis yAxisId="loss" className="axis" width={44} tickFormatter={(v: number) => v.toFixed(2)} />
            <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} className="axis" width={44} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
            <Tooltip {...TOOLTIP_STYLE} formatter={(v, name) => [name === 'Loss' ? Number(v).toFixed(4) : percent(Number(v)), name]} labelFormatter={(e) => `Epoch ${live ? Number(e).toFixed(2) : e}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} />
            <Line yAxisId="loss" dataKey="loss" name="Loss" stroke="#e15759" dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
            <Line yAxisId="acc" dataKey="train" name="Train accuracy" stroke="#4e79a7" dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
            {live && !epochs.some((e) => Number.isFinite(e.testAccuracy)) ? null : (
              <Line yAxisId="acc" dataKey="test" name="Test accuracy" stroke="#59a14f" dot={live} strokeWidth={2} isAnimationActive={false} connectNulls />
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});

/** A candidate in training: its curve so far. */
export function LiveTraining({ readings, epoch, epochs }: { readings: readonly TrainReading[]; epoch: number; epochs: number }) {
  return (
    <div className="training" data-testid="training-live">
      <p className="panel-note" role="status">
        Training now: epoch {epoch} of {epochs}. The curve grows as it trains; accuracy after quantization, test curves and spike rates come when it ends.
      </p>
      {readings.length ? <TrainingCurve epochs={[]} readings={readings} points={readings.length} /> : null}
    </div>
  );
}

export function TrainingCharts({ training, report, readings = null }: { training: TrainingView; report: CostReport; readings?: readonly TrainReading[] | null }) {
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
        <TrainingCurve epochs={training.epochs} readings={readings} points={readings?.length ?? 0} />
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
