// One plot at full size over the page, with previous / next through the plots on screen (arrow keys too).
import { useEffect } from 'react';
import { artifactUrl } from '../api/client.ts';

export interface LightboxImage {
  runId: string;
  path: string;
  caption: string;
}

export function Lightbox({ images, index, onIndex, onClose }: { images: LightboxImage[]; index: number; onIndex: (i: number) => void; onClose: () => void }) {
  const image = images[index];
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      if (e.key === 'ArrowLeft' && index > 0) onIndex(index - 1);
      if (e.key === 'ArrowRight' && index < images.length - 1) onIndex(index + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, images.length, onIndex, onClose]);
  if (!image) return null;
  return (
    <div className="modal-backdrop" onClick={onClose} data-testid="lightbox">
      <div className="lightbox" onClick={(e) => e.stopPropagation()}>
        <div className="toolbar">
          <button type="button" disabled={index === 0} onClick={() => onIndex(index - 1)} data-testid="lightbox-prev">
            ← Previous
          </button>
          <span className="muted">
            {index + 1} / {images.length}
          </span>
          <button type="button" disabled={index === images.length - 1} onClick={() => onIndex(index + 1)} data-testid="lightbox-next">
            Next →
          </button>
          <span className="lightbox-caption">{image.caption}</span>
          <span className="spacer" />
          <a href={artifactUrl(image.runId, image.path)} download>
            Download
          </a>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        <img src={artifactUrl(image.runId, image.path)} alt={image.caption} className="lightbox-image" />
      </div>
    </div>
  );
}
