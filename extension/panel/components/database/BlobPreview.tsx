/**
 * A blob shown for what it is: an image, audio or video player (object URLs of bytes read from
 * the page), text or pretty JSON (as text, never markup), or a hex dump.
 */
import { bytes } from '../../lib/format.js';
import { usePanel } from '../context.js';
import { Icon } from '../common/Icon.js';

/** `inline`: blobs met inside values (shown under the value), else a database's BlobStore. */
export function BlobPreview({ inline }: { inline: boolean }) {
  const { blobs } = usePanel().database;
  const preview = blobs.preview.value;
  if (!preview || (preview.target.database === 0) !== inline) return null;
  const { target, kind } = preview;
  return (
    <section class="blob-preview" data-testid="blob-preview" data-kind={kind} data-id={target.id}>
      <div class="detail-head">
        <h3>{target.name || target.id}</h3>
        <span class="note">
          {target.type || 'no type'}, {bytes(target.size)}
          {preview.partial && ' (first bytes only)'}
        </span>
        <button type="button" data-testid="blob-download" onClick={() => void blobs.download(target)}>
          Download
        </button>
        <button type="button" class="icon" data-testid="blob-preview-close" title="Close preview" aria-label="Close preview" onClick={() => blobs.closePreview()}>
          <Icon name="close" />
        </button>
      </div>
      {kind === 'image' && <img data-testid="blob-image" src={preview.url} alt={target.name || 'blob image'} />}
      {kind === 'audio' && <audio data-testid="blob-audio" src={preview.url} controls />}
      {kind === 'video' && <video data-testid="blob-video" src={preview.url} controls />}
      {(kind === 'text' || kind === 'json' || kind === 'hex') && (
        <pre class={`blob-text ${kind}`} data-testid="blob-text">
          {preview.text}
        </pre>
      )}
    </section>
  );
}
