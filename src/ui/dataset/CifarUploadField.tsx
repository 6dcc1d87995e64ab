/** The CIFAR-10 batch chooser of the search panel: a labelled file input that also takes dropped files. */
import { useId, useState } from 'react';
import { UPLOADED_TEST_MAX } from '../../core/data/datasets.ts';
import { formatCount } from '../../core/metrics.ts';
import { chooseCifarFiles, useCifarUpload } from './cifar-upload.ts';
import './dataset.css';

export function CifarUploadField() {
  const id = useId();
  const cifar = useCifarUpload((s) => s.cifar);
  const reading = useCifarUpload((s) => s.reading);
  const error = useCifarUpload((s) => s.error);
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    if (list && list.length > 0) void chooseCifarFiles([...list]);
  };
  return (
    <div
      className={`knob upload${over ? ' drop-over' : ''}`}
      data-testid="cifar-upload"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        take(e.dataTransfer.files);
      }}
    >
      <label htmlFor={id}>CIFAR-10 batch files</label>
      <input
        id={id}
        type="file"
        multiple
        accept=".bin"
        aria-describedby={`${id}-help`}
        data-testid="cifar-files"
        onChange={(e) => {
          take(e.currentTarget.files);
          // The same files chosen again (after an edit on disk) must fire again.
          e.currentTarget.value = '';
        }}
      />
      <p id={`${id}-help`} className="help">
        The binary version&apos;s data_batch_1.bin … test_batch.bin, unpacked from cifar-10-binary.tar.gz (choose or drop one or more). They stay on this computer and are not part of a link: a
        shared CIFAR-10 search asks for them again. A fifth of the images, at most {formatCount(UPLOADED_TEST_MAX)}, are held out for testing.
      </p>
      <p className="upload-status" aria-live="polite" data-testid="cifar-status">
        {reading
          ? 'Reading…'
          : cifar
            ? `${formatCount(cifar.count)} images from ${cifar.upload.files.map((f) => f.name).join(', ')}: ${formatCount(cifar.train)} to train on, ${formatCount(cifar.test)} held out.`
            : 'No files chosen yet.'}
      </p>
      {error ? (
        <div className="error-banner" role="alert" data-testid="cifar-error">
          {error}
          {cifar ? <span className="kept"> The earlier files are still in use.</span> : null}
        </div>
      ) : null}
    </div>
  );
}
